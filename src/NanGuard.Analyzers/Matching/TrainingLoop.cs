using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;

namespace NanGuard.Analyzers.Matching;

/// <summary>
/// A training loop as the training rules see it: an <c>optimizer.step()</c> inside a loop whose body calls
/// <c>backward()</c> before it, with the clipping calls that body makes.
/// </summary>
internal sealed class TrainingLoop
{
    private TrainingLoop(ILoopOperation loop, IInvocationOperation step, IInvocationOperation backward, ImmutableList<IInvocationOperation> clipping)
    {
        Loop = loop;
        Step = step;
        Backward = backward;
        Clipping = clipping;
    }

    public ILoopOperation Loop { get; }

    /// <summary>The optimizer's <c>step()</c>.</summary>
    public IInvocationOperation Step { get; }

    /// <summary>The last <c>backward()</c> before the step in the loop body.</summary>
    public IInvocationOperation Backward { get; }

    /// <summary>Every call in the loop body that clips gradients, wherever it stands.</summary>
    public ImmutableList<IInvocationOperation> Clipping { get; }

    /// <summary>The optimizer's <c>step()</c> call, or false for any other call named step.</summary>
    public static bool IsOptimizerStep(IInvocationOperation invocation, TorchSymbols symbols) =>
        invocation.TargetMethod.Name == "step"
        && invocation.Instance is { } instance
        && symbols.IsOptimizer(instance.Type);

    /// <summary>Finds the loop around an optimizer step that follows a backward() in the same loop.</summary>
    public static bool TryFind(IInvocationOperation step, TorchSymbols symbols, out TrainingLoop loop)
    {
        loop = null!;
        if (!IsOptimizerStep(step, symbols) || HasClosure(step) || EnclosingLoop(step) is not { } enclosing)
            return false;

        var scan = LoopScans.GetValue(enclosing, l => Scan(l, symbols));
        IInvocationOperation? backward = null;
        var stepStart = step.Syntax.SpanStart;
        foreach (var candidate in scan.Backwards)
        {
            if (candidate.Syntax.SpanStart < stepStart && (backward is null || candidate.Syntax.SpanStart > backward.Syntax.SpanStart))
                backward = candidate;
        }
        var clipping = scan.Clipping;
        if (backward is null)
            return false;
        loop = new TrainingLoop(enclosing, step, backward, clipping);
        return true;
    }

    // The backward() and clipping calls of a loop body, found once per loop: a loop with many steps would otherwise
    // walk its whole body again for each step (quadratic). Keyed weakly by the loop's operation tree.
    private static readonly ConditionalWeakTable<ILoopOperation, LoopScan> LoopScans = new();

    private sealed class LoopScan
    {
        public ImmutableList<IInvocationOperation> Backwards { get; set; } = ImmutableList<IInvocationOperation>.Empty;
        public ImmutableList<IInvocationOperation> Clipping { get; set; } = ImmutableList<IInvocationOperation>.Empty;
    }

    private static LoopScan Scan(ILoopOperation loop, TorchSymbols symbols)
    {
        var scan = new LoopScan();
        foreach (var invocation in loop.Body.DescendantsAndSelf().OfType<IInvocationOperation>())
        {
            if (IsBackward(invocation, symbols))
                scan.Backwards = scan.Backwards.Add(invocation);
            else if (IsClipping(invocation, symbols))
                scan.Clipping = scan.Clipping.Add(invocation);
        }
        return scan;
    }

    /// <summary>
    /// True for a call that clips gradients: torch.nn.utils.clip_grad_norm_ / clip_grad_value_, any call into the
    /// NanGuard runtime, or a method of the user's own (in the same file) that makes one of those calls.
    /// </summary>
    public static bool IsClipping(IInvocationOperation invocation, TorchSymbols symbols) =>
        IsDirectClipping(invocation.TargetMethod, symbols) || CallsClipping(invocation, symbols);

    private static bool IsDirectClipping(IMethodSymbol method, TorchSymbols symbols) =>
        symbols.IsUtil(method, "clip_grad_norm_") || symbols.IsUtil(method, "clip_grad_value_") || IsNanGuardRuntime(method);

    private static bool IsBackward(IInvocationOperation invocation, TorchSymbols symbols) =>
        invocation.TargetMethod.Name == "backward" && invocation.Instance is { } loss && symbols.IsTensor(loss.Type);

    private static bool IsNanGuardRuntime(IMethodSymbol method) =>
        method.ContainingNamespace is { Name: "Runtime", ContainingNamespace: { Name: "NanGuard", ContainingNamespace.IsGlobalNamespace: true } };

    // Whether a user method's body clips, once per method: a loop with many steps asks for each of its calls again
    // per step. Keyed weakly by the compilation's own symbols, so it lives and dies with the compilation.
    private static readonly ConditionalWeakTable<IMethodSymbol, StrongBox<bool>> ClippingMethods = new();

    private static bool CallsClipping(IInvocationOperation invocation, TorchSymbols symbols)
    {
        var method = invocation.TargetMethod;
        if (method.ContainingAssembly is null
            || SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, symbols.Assembly)
            || invocation.SemanticModel is not { } model
            || !method.OriginalDefinition.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == model.SyntaxTree))
            return false;
        return ClippingMethods.GetValue(method.OriginalDefinition, m => new StrongBox<bool>(BodyCallsClipping(m, model, symbols))).Value;
    }

    private static bool BodyCallsClipping(IMethodSymbol method, SemanticModel model, TorchSymbols symbols)
    {
        foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree)
                continue;
            var body = reference.GetSyntax() switch
            {
                BaseMethodDeclarationSyntax declaration => (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody,
                LocalFunctionStatementSyntax local => (SyntaxNode?)local.Body ?? local.ExpressionBody,
                _ => null,
            };
            if (body is null)
                continue;
            foreach (var call in body.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
            {
                if (model.GetSymbolInfo(call).Symbol is IMethodSymbol callee && IsDirectClipping(callee, symbols))
                    return true;
            }
        }
        return false;
    }

    private static bool HasClosure(IInvocationOperation step) =>
        step.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue && a.Value.ConstantValue is not { HasValue: true, Value: null });

    /// <summary>The innermost loop around <paramref name="operation"/> in the same method, lambda or local function.</summary>
    public static ILoopOperation? EnclosingLoop(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ILoopOperation loop)
                return loop;
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                return null;
        }
        return null;
    }
}

/// <summary>Where an optimizer came from: <c>torch.optim.Adam(model.parameters(), lr: 0.01)</c>.</summary>
internal sealed class OptimizerOrigin
{
    private OptimizerOrigin(TorchCall construction, IOperation? module)
    {
        Construction = construction;
        Module = module;
    }

    /// <summary>The call that built the optimizer.</summary>
    public TorchCall Construction { get; }

    /// <summary>The module whose parameters() the optimizer was built from, as written there.</summary>
    public IOperation? Module { get; }

    /// <summary>The learning rate literal (Adam's <c>lr</c>, SGD's <c>learningRate</c>), where it is a constant.</summary>
    public double? LearningRate => Construction.NumberArgument("lr") ?? Construction.NumberArgument("learningRate");

    /// <summary>The optimizer's name as TorchSharp spells it (Adam, SGD, ...).</summary>
    public string Name => Construction.Method.Name;

    /// <summary>Finds the construction of the optimizer that <paramref name="optimizer"/> reads.</summary>
    public static OptimizerOrigin? Find(IOperation optimizer, TorchSymbols symbols)
    {
        var value = ValueFlow.Unwrap(optimizer);
        if (value is IFieldReferenceOperation or IPropertyReferenceOperation)
            value = MemberValues.SingleAssignedValue((IMemberReferenceOperation)value) is { } assigned ? ValueFlow.Unwrap(assigned) : value;
        if (value is not IInvocationOperation construction
            || !TorchSymbols.Is(construction.TargetMethod.ContainingType, symbols.Optim)
            || !symbols.IsOptimizer(construction.TargetMethod.ReturnType))
            return null;

        var call = new TorchCall(construction);
        IOperation? module = null;
        if (call.Argument("parameters")?.Value is { } parameters
            && ValueFlow.Unwrap(parameters) is IInvocationOperation { TargetMethod.Name: "parameters", Instance: { } owner }
            && symbols.IsModule(owner.Type))
            module = ValueFlow.SkipConversions(owner);
        return new OptimizerOrigin(call, module);
    }
}

/// <summary>Reads the value a field or property is given where it is assigned exactly once in its file.</summary>
internal static class MemberValues
{
    public static IOperation? SingleAssignedValue(IMemberReferenceOperation reference)
    {
        var member = reference.Member;
        if (reference.SemanticModel is not { } model
            || member.DeclaringSyntaxReferences.Length != 1
            || member.DeclaringSyntaxReferences[0].SyntaxTree != model.SyntaxTree
            || member.ContainingType.DeclaringSyntaxReferences.Length != 1)
            return null;

        var values = new List<ExpressionSyntax>();
        switch (member.DeclaringSyntaxReferences[0].GetSyntax())
        {
            case VariableDeclaratorSyntax { Initializer.Value: { } initializer }:
                values.Add(initializer);
                break;
            case PropertyDeclarationSyntax { Initializer.Value: { } initializer }:
                values.Add(initializer);
                break;
        }
        var type = member.ContainingType.DeclaringSyntaxReferences[0].GetSyntax();
        foreach (var assignment in type.DescendantNodes().OfType<AssignmentExpressionSyntax>())
        {
            var target = assignment.Left is MemberAccessExpressionSyntax access ? access.Name : assignment.Left;
            if (target is IdentifierNameSyntax name && name.Identifier.ValueText == member.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left).Symbol, member))
                values.Add(assignment.Right);
        }
        return values.Count == 1 ? model.GetOperation(values[0]) : null;
    }
}
