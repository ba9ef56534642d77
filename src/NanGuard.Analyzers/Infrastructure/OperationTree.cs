using Microsoft.CodeAnalysis;

namespace NanGuard.Analyzers.Infrastructure;

/// <summary>
/// The operations under a root, in the order Roslyn's <c>DescendantsAndSelf</c> gives them (each before its children,
/// the children in order), walked on a stack of the children's own enumerators. Roslyn's iterator keeps that stack in
/// a pooled builder whose every push and pop is a chain of calls, and the dispatch walk over every block of a
/// compilation spent more there than in NanGuard's own code; this walk is a plain array stack. It is iterative, so a
/// chain of thousands of nested operations does not deepen the call stack.
/// </summary>
internal readonly struct OperationTree
{
    private readonly IOperation _root;
    private readonly bool _withRoot;

    private OperationTree(IOperation root, bool withRoot)
    {
        _root = root;
        _withRoot = withRoot;
    }

    /// <summary>The root and every operation under it.</summary>
    public static OperationTree AndSelf(IOperation root) => new(root, withRoot: true);

    /// <summary>Every operation under the root.</summary>
    public static OperationTree Under(IOperation root) => new(root, withRoot: false);

    public Enumerator GetEnumerator() => new(_root, _withRoot);

    /// <summary>The walk; a struct, so that a foreach over it allocates only the stack.</summary>
    /// <remarks>
    /// The stack is an array whose top enumerator is advanced in place (by reference), not popped and pushed back for
    /// each child: <c>Stack&lt;T&gt;</c>'s pops and pushes of the enumerator structs were most of the dispatch walk's cost.
    /// </remarks>
    public struct Enumerator
    {
        private IOperation.OperationList.Enumerator[] _pending;
        private int _count;
        private IOperation? _root;

        internal Enumerator(IOperation root, bool withRoot)
        {
            _pending = new IOperation.OperationList.Enumerator[8];
            _count = 0;
            Current = null!;
            if (withRoot)
            {
                _root = root;
            }
            else
            {
                _root = null;
                Push(root);
            }
        }

        public IOperation Current { get; private set; }

        public bool MoveNext()
        {
            if (_root is { } root)
            {
                _root = null;
                Current = root;
                Push(root);
                return true;
            }
            while (_count > 0)
            {
                ref var children = ref _pending[_count - 1];
                if (!children.MoveNext())
                {
                    _count--;
                    continue;
                }
                if (children.Current is not { } child)
                    continue;
                Current = child;
                Push(child);
                return true;
            }
            return false;
        }

        private void Push(IOperation operation)
        {
            if (_count == _pending.Length)
                System.Array.Resize(ref _pending, _count * 2);
            _pending[_count++] = operation.ChildOperations.GetEnumerator();
        }
    }
}
