using System.Collections.Generic;
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
    public struct Enumerator
    {
        private readonly Stack<IOperation.OperationList.Enumerator> _pending;
        private IOperation? _root;

        internal Enumerator(IOperation root, bool withRoot)
        {
            _pending = new Stack<IOperation.OperationList.Enumerator>();
            Current = null!;
            if (withRoot)
            {
                _root = root;
            }
            else
            {
                _root = null;
                _pending.Push(root.ChildOperations.GetEnumerator());
            }
        }

        public IOperation Current { get; private set; }

        public bool MoveNext()
        {
            if (_root is { } root)
            {
                _root = null;
                Current = root;
                _pending.Push(root.ChildOperations.GetEnumerator());
                return true;
            }
            while (_pending.Count > 0)
            {
                var children = _pending.Pop();
                if (!children.MoveNext())
                    continue;
                var child = children.Current;
                _pending.Push(children);
                if (child is null)
                    continue;
                Current = child;
                _pending.Push(child.ChildOperations.GetEnumerator());
                return true;
            }
            return false;
        }
    }
}
