using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace NanGuard.Analyzers.Infrastructure;

/// <summary>
/// Collects what each rule wants to see and registers it with Roslyn as one action per operation kind, so that an
/// invocation costs one dispatch (a lookup of the method's name) however many rules are loaded.
/// </summary>
internal sealed class RuleRegistrar
{
    private readonly Dictionary<string, List<Action<OperationAnalysisContext, IInvocationOperation>>> _invocations =
        new(StringComparer.Ordinal);
    private readonly Dictionary<BinaryOperatorKind, List<Action<OperationAnalysisContext, IBinaryOperation>>> _tensorOperators = new();
    private readonly List<Action<OperationAnalysisContext, ILoopOperation>> _loops = new();

    public RuleRegistrar(TorchSymbols symbols) => Symbols = symbols;

    /// <summary>The TorchSharp symbols of the compilation being analyzed.</summary>
    public TorchSymbols Symbols { get; }

    /// <summary>Calls <paramref name="handler"/> for every invocation of a method named <paramref name="methodName"/>;
    /// the handler decides whether the method is the TorchSharp one it wants.</summary>
    public void OnInvocation(string methodName, Action<OperationAnalysisContext, IInvocationOperation> handler) =>
        Add(_invocations, methodName, handler);

    /// <summary>Calls <paramref name="handler"/> for every binary operator of <paramref name="kind"/> that TorchSharp
    /// declares (tensor arithmetic and comparisons).</summary>
    public void OnTensorOperator(BinaryOperatorKind kind, Action<OperationAnalysisContext, IBinaryOperation> handler) =>
        Add(_tensorOperators, kind, handler);

    /// <summary>Calls <paramref name="handler"/> for every loop: for a rule that reports at a node other than the one
    /// that reveals it. A diagnostic must come from an action on a node its location lies in, or the IDE, which
    /// analyzes only the span it shows a light bulb for, never finds it (Microsoft.CodeAnalysis.Testing checks this).</summary>
    public void OnLoop(Action<OperationAnalysisContext, ILoopOperation> handler) => _loops.Add(handler);

    /// <summary>Registers the collected handlers: at most one Roslyn action per operation kind.</summary>
    public void RegisterWith(CompilationStartAnalysisContext context)
    {
        if (_invocations.Count > 0)
        {
            var invocations = _invocations;
            context.RegisterOperationAction(c => DispatchInvocation(c, invocations), OperationKind.Invocation);
        }

        if (_tensorOperators.Count > 0)
        {
            var operators = _tensorOperators;
            var symbols = Symbols;
            context.RegisterOperationAction(c => DispatchOperator(c, operators, symbols), OperationKind.Binary);
        }

        if (_loops.Count > 0)
        {
            var loops = _loops;
            context.RegisterOperationAction(c =>
            {
                foreach (var handler in loops)
                    handler(c, (ILoopOperation)c.Operation);
            }, OperationKind.Loop);
        }
    }

    private static void DispatchInvocation(
        OperationAnalysisContext context,
        Dictionary<string, List<Action<OperationAnalysisContext, IInvocationOperation>>> handlers)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!handlers.TryGetValue(invocation.TargetMethod.Name, out var list))
            return;
        foreach (var handler in list)
            handler(context, invocation);
    }

    private static void DispatchOperator(
        OperationAnalysisContext context,
        Dictionary<BinaryOperatorKind, List<Action<OperationAnalysisContext, IBinaryOperation>>> handlers,
        TorchSymbols symbols)
    {
        var binary = (IBinaryOperation)context.Operation;
        if (!symbols.IsOperator(binary.OperatorMethod) || !handlers.TryGetValue(binary.OperatorKind, out var list))
            return;
        foreach (var handler in list)
            handler(context, binary);
    }

    private static void Add<TKey, THandler>(Dictionary<TKey, List<THandler>> map, TKey key, THandler handler)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
            map[key] = list = new List<THandler>();
        list.Add(handler);
    }
}
