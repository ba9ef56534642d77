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
internal sealed class TrainingLoop(ILoopOperation loop, IInvocationOperation step, IInvocationOperation backward, ImmutableList<IInvocationOperation> clipping, bool zeroesGradients, bool mayClipUnbound)
{
    public ILoopOperation Loop { get; } = loop;

    /// <summary>The optimizer's <c>step()</c>.</summary>
    public IInvocationOperation Step { get; } = step;

    /// <summary>The last <c>backward()</c> before the step in the loop body.</summary>
    public IInvocationOperation Backward { get; } = backward;

    /// <summary>Every call in the loop body that clips gradients, wherever it stands.</summary>
    public ImmutableList<IInvocationOperation> Clipping { get; } = clipping;

    /// <summary>
    /// True where the loop body makes a call that does not bind (half-typed code, a type in a file the compilation
    /// lacks) and that may be a clipping call: named <c>clip_grad_norm_</c> / <c>clip_grad_value_</c>, or with one of
    /// those among its candidates. Taken as clipping: NanGuard cannot tell that such a loop does not clip.
    /// </summary>
    public bool MayClipUnbound { get; } = mayClipUnbound;

    /// <summary>True where nothing in the loop body clips, or may clip, the gradients.</summary>
    public bool IsUnclipped => Clipping.IsEmpty && !MayClipUnbound;

    /// <summary>
    /// True where the loop body clears the gradients somewhere: <c>zero_grad()</c> on any optimizer or module, a
    /// method of the user's own (in the same file) that calls it, or a write to a tensor's <c>grad</c>
    /// (<c>p.grad = null</c>, <c>p.grad.zero_()</c>). A loop that hands an optimizer or a module to a method whose body
    /// this file does not show counts as zeroing: that method may call <c>zero_grad()</c>.
    /// </summary>
    public bool ZeroesGradients { get; } = zeroesGradients;

    /// <summary>The clipping calls that stand between the backward() and the step, where clipping takes effect.</summary>
    public IEnumerable<IInvocationOperation> ClippingInPlace =>
        Clipping.Where(c => c.Syntax.SpanStart > Backward.Syntax.SpanStart && c.Syntax.SpanStart < Step.Syntax.SpanStart);

    /// <summary>
    /// True where the step runs only under a condition inside the loop (<c>if ((i + 1) % k == 0) optimizer.step();</c>),
    /// the shape of gradient accumulation: gradients are meant to add up between steps.
    /// </summary>
    public bool IsStepConditional
    {
        get
        {
            for (var current = Step.Parent; current is not null && current != Loop; current = current.Parent)
            {
                if (current is IConditionalOperation or ISwitchOperation or ISwitchCaseOperation)
                    return true;
            }
            return false;
        }
    }

    /// <summary>The optimizer's <c>step()</c> call, or false for any other call named step.</summary>
    public static bool IsOptimizerStep(IInvocationOperation invocation, Session session) =>
        invocation.TargetMethod.Name == "step"
        && invocation.Instance is { } instance
        && session.IsOptimizer(instance.Type);

    /// <summary>Finds the loop around an optimizer step that follows a backward() in the same loop.</summary>
    public static bool TryFind(IInvocationOperation step, Session session, out TrainingLoop loop)
    {
        loop = null!;
        if (!IsOptimizerStep(step, session) || HasClosure(step) || EnclosingLoop(step) is not { } enclosing)
            return false;

        // What the loop body does to gradients is found once per loop: a loop with many steps would otherwise walk its
        // whole body again for each step (quadratic).
        var scan = (LoopScan)session.LoopScans.GetOrAdd(enclosing, body => Scan(body, session));
        IInvocationOperation? backward = null;
        var stepStart = step.Syntax.SpanStart;
        foreach (var candidate in scan.Backwards)
        {
            if (candidate.Syntax.SpanStart < stepStart && (backward is null || candidate.Syntax.SpanStart > backward.Syntax.SpanStart))
                backward = candidate;
        }
        if (backward is null)
            return false;
        loop = new TrainingLoop(enclosing, step, backward, scan.Clipping, scan.ZeroesGradients, scan.MayClipUnbound);
        return true;
    }


    private sealed class LoopScan
    {
        public ImmutableList<IInvocationOperation> Backwards { get; set; } = ImmutableList<IInvocationOperation>.Empty;
        public ImmutableList<IInvocationOperation> Clipping { get; set; } = ImmutableList<IInvocationOperation>.Empty;
        public bool ZeroesGradients { get; set; }
        public bool MayClipUnbound { get; set; }
    }

    private static LoopScan Scan(ILoopOperation loop, Session session)
    {
        var scan = new LoopScan();
        foreach (var operation in loop.Body.DescendantsAndSelf())
        {
            if (operation is IPropertyReferenceOperation { Property.Name: "grad" } grad && session.IsTensor(grad.Property.ContainingType)
                && WritesGradient(grad))
            {
                scan.ZeroesGradients = true;
                continue;
            }
            if (operation is IInvalidOperation { Syntax: InvocationExpressionSyntax unbound } && MayBeClipping(unbound, operation.SemanticModel, session))
            {
                scan.MayClipUnbound = true;
                continue;
            }
            if (operation is not IInvocationOperation invocation)
                continue;
            if (IsBackward(invocation, session))
                scan.Backwards = scan.Backwards.Add(invocation);
            else if (IsClipping(invocation, session))
                scan.Clipping = scan.Clipping.Add(invocation);
            else if (IsZeroGrad(invocation, session) || MayZeroGradUnseen(invocation, session))
                scan.ZeroesGradients = true;
        }
        return scan;
    }

    /// <summary>
    /// True for a call that clips gradients: torch.nn.utils.clip_grad_norm_ / clip_grad_value_, any call into the
    /// NanGuard runtime, or a method of the user's own (in the same file) that makes one of those calls.
    /// </summary>
    public static bool IsClipping(IInvocationOperation invocation, Session session) =>
        IsDirectClipping(invocation.TargetMethod, session)
        || CallsInItsBody(invocation, session, session.ClippingMethods, callee => IsDirectClipping(callee, session), MayBeClipping);

    /// <summary>
    /// True for a call that does not bind but may clip: one of its candidate methods clips, or, with no candidate (its
    /// receiver's type is missing), it is named like TorchSharp's clipping functions.
    /// </summary>
    private static bool MayBeClipping(InvocationExpressionSyntax call, SemanticModel? model, Session session)
    {
        var info = model?.GetSymbolInfo(call) ?? default;
        if (info.Symbol is not null)
            return false;
        if (!info.CandidateSymbols.IsDefaultOrEmpty)
            return info.CandidateSymbols.Any(c => c is IMethodSymbol method && IsDirectClipping(method.OriginalDefinition, session));
        return (call.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            SimpleNameSyntax name => name.Identifier.ValueText,
            _ => null,
        }) is "clip_grad_norm_" or "clip_grad_value_";
    }

    /// <summary>
    /// True for <c>zero_grad()</c> on an optimizer or a module, or a method of the user's own (in the same file)
    /// that calls one.
    /// </summary>
    public static bool IsZeroGrad(IInvocationOperation invocation, Session session) =>
        IsDirectZeroGrad(invocation.TargetMethod, session)
        || CallsInItsBody(invocation, session, session.ZeroGradMethods, callee => IsDirectZeroGrad(callee, session));

    /// <summary>An optimizer or module passed to a method outside TorchSharp whose body is not in this file.</summary>
    private static bool MayZeroGradUnseen(IInvocationOperation invocation, Session session)
    {
        // Asked of every call in a loop body, most of them TorchSharp's: that first, then the arguments.
        var method = invocation.TargetMethod;
        return !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, session.Assembly)
            && invocation.Arguments.Any(a => ValueFlow.SkipConversions(a.Value).Type is { } type
                && (session.IsOptimizer(type) || session.IsModule(type)))
            && !IsUnderSystem(method.ContainingNamespace)
            && invocation.SemanticModel is { } model
            && !method.OriginalDefinition.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == model.SyntaxTree);
    }

    // System or a namespace inside it (the framework's methods do not zero gradients).
    private static bool IsUnderSystem(INamespaceSymbol? ns)
    {
        while (ns is { IsGlobalNamespace: false, ContainingNamespace.IsGlobalNamespace: false })
            ns = ns.ContainingNamespace;
        return ns is { IsGlobalNamespace: false, Name: "System" };
    }

    private static bool IsDirectZeroGrad(IMethodSymbol method, Session session) =>
        method.Name == "zero_grad" && !method.IsStatic
        && (session.IsOptimizer(method.ContainingType) || session.IsModule(method.ContainingType));

    /// <summary>A write to <c>p.grad</c>, or a call on it that changes it in place (<c>p.grad.zero_()</c>).</summary>
    private static bool WritesGradient(IPropertyReferenceOperation grad)
    {
        var parent = ValueFlow.ParentValue(grad);
        if (parent is IAssignmentOperation assignment && assignment.Target == grad)
            return true;
        if (parent is IConditionalAccessOperation access && access.Operation == grad)
            parent = access.WhenNotNull is IInvocationOperation call ? call : null;
        return parent is IInvocationOperation { TargetMethod.Name: { } name } && name.EndsWith("_", System.StringComparison.Ordinal);
    }

    private static bool IsDirectClipping(IMethodSymbol method, Session session) =>
        session.IsUtil(method, "clip_grad_norm_") || session.IsUtil(method, "clip_grad_value_") || IsNanGuardRuntime(method);

    private static bool IsBackward(IInvocationOperation invocation, Session session) =>
        invocation.TargetMethod.Name == "backward" && invocation.Instance is { } loss && session.IsTensor(loss.Type);

    private static bool IsNanGuardRuntime(IMethodSymbol method) =>
        method.ContainingNamespace is { Name: "Runtime", ContainingNamespace: { Name: "NanGuard", ContainingNamespace.IsGlobalNamespace: true } };

    // Whether a user method's body clips, or zeroes gradients: asked once per method and session, where a loop with
    // many steps would ask again for each of its calls per step.

    private static bool CallsInItsBody(
        IInvocationOperation invocation,
        Session session,
        System.Collections.Concurrent.ConcurrentDictionary<IMethodSymbol, bool> answers,
        System.Func<IMethodSymbol, bool> callee,
        System.Func<InvocationExpressionSyntax, SemanticModel, Session, bool>? unbound = null)
    {
        var method = invocation.TargetMethod;
        if (method.ContainingAssembly is null
            || SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, session.Assembly)
            || invocation.SemanticModel is not { } model
            || !method.OriginalDefinition.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == model.SyntaxTree))
            return false;
        return answers.GetOrAdd(method.OriginalDefinition, m => BodyCalls(m, model, session, callee, unbound));
    }

    private static bool BodyCalls(
        IMethodSymbol method,
        SemanticModel model,
        Session session,
        System.Func<IMethodSymbol, bool> callee,
        System.Func<InvocationExpressionSyntax, SemanticModel, Session, bool>? unbound)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
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
                var info = model.GetSymbolInfo(call);
                if (info.Symbol is IMethodSymbol called ? callee(called) : unbound is not null && unbound(call, model, session))
                    return true;
            }
        }
        return false;
    }

    /// <summary>True for <c>step(closure)</c>, which computes its own loss and gradients.</summary>
    public static bool HasClosure(IInvocationOperation step) =>
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

    /// <summary>
    /// The construction of the optimizer that <paramref name="optimizer"/> reads, where the code shows exactly one and
    /// nothing else reaches it (what the fix may read the model from).
    /// </summary>
    public static OptimizerOrigin? Find(IOperation optimizer, Session session) =>
        FindAll(optimizer, session, out var complete) is { Length: 1 } origins && complete ? origins[0] : null;

    /// <summary>
    /// Every construction the optimizer <paramref name="optimizer"/> reads may come from, followed through locals,
    /// fields and properties assigned in their type, parameters (to the arguments at the method's call sites in the
    /// compilation) and factory methods (to what they return). <paramref name="complete"/> is false where some
    /// value on the way is not a construction the code shows.
    /// </summary>
    public static ImmutableArray<OptimizerOrigin> FindAll(IOperation optimizer, Session session, out bool complete)
    {
        var origins = ImmutableArray.CreateBuilder<OptimizerOrigin>();
        complete = true;
        foreach (var value in OptimizerFlow.Sources(optimizer, session))
        {
            if (value is IInvocationOperation construction && IsConstruction(construction, session))
                origins.Add(Create(construction, session));
            else
                complete = false;
        }
        return origins.ToImmutable();
    }

    /// <summary>True for a call of <c>torch.optim</c> that returns an optimizer.</summary>
    public static bool IsConstruction(IInvocationOperation invocation, Session session) =>
        Session.Is(invocation.TargetMethod.ContainingType, session.Optim) && session.IsOptimizer(invocation.TargetMethod.ReturnType);

    /// <summary>
    /// Where the optimizer was built, in words (<c>Program.Main</c>), where that is another method than the one
    /// holding <paramref name="user"/>; null where it is the same method, or not built in a method (a field's initializer).
    /// </summary>
    public string? BuiltElsewhereThan(IOperation user)
    {
        var built = OptimizerFlow.EnclosingMember(Construction.Invocation);
        if (built is not IMethodSymbol method || SymbolEqualityComparer.Default.Equals(built, OptimizerFlow.EnclosingMember(user)))
            return null;
        return method.Name == WellKnownMemberNames.TopLevelStatementsEntryPointMethodName ? "the top-level statements"
            : method.MethodKind is MethodKind.Constructor or MethodKind.StaticConstructor ? "the " + method.ContainingType.Name + " constructor"
            : method.ContainingType.Name + "." + method.Name;
    }

    private static OptimizerOrigin Create(IInvocationOperation construction, Session session)
    {
        var call = new TorchCall(construction);
        IOperation? module = null;
        if (call.Argument("parameters")?.Value is { } parameters
            && ValueFlow.Unwrap(parameters, session) is IInvocationOperation { TargetMethod.Name: "parameters", Instance: { } owner }
            && session.IsModule(owner.Type))
            module = ValueFlow.SkipConversions(owner);
        return new OptimizerOrigin(call, module);
    }
}

/// <summary>Reads the values a field or property is given in its file: its initializer and the assignments to it in its type.</summary>
internal static class MemberValues
{
    public static ImmutableArray<IOperation> AssignedValues(IMemberReferenceOperation reference)
    {
        var member = reference.Member;
        if (reference.SemanticModel is not { } model
            || member.DeclaringSyntaxReferences.Length != 1
            || member.DeclaringSyntaxReferences[0].SyntaxTree != model.SyntaxTree
            || member.ContainingType.DeclaringSyntaxReferences.Length != 1)
            return ImmutableArray<IOperation>.Empty;

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
        var operations = ImmutableArray.CreateBuilder<IOperation>(values.Count);
        foreach (var value in values)
        {
            if (model.GetOperation(value) is { } operation)
                operations.Add(operation);
        }
        return operations.ToImmutable();
    }
}
