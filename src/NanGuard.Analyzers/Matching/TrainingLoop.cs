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
/// <c>backward()</c> before it, with the clipping calls that body makes. Training code spread over methods is
/// followed a few calls deep (<see cref="MaxCallDepth"/>): a loop that calls a method of the user's own, or a local
/// function, that calls <c>backward()</c>, clips or zeroes the gradients does so itself; and a step written in such
/// a method, outside any loop of its own, is a training loop's step when a loop calls that method (directly or through
/// such methods) with a <c>backward()</c> before the step on the way.
/// </summary>
/// <remarks>
/// Only methods declared in the compilation's source are read: a <c>backward()</c> or a step is followed only into
/// methods no override can replace (not virtual, abstract, override or an interface's); clipping and zeroing also into
/// virtual methods whose body is shown (saying nothing is the safe side). What a method's own body does is found once
/// per method and session (<see cref="Session.GradientFacts"/>), the loops that call a stepping method once per method
/// (<see cref="Session.CallingLoops"/>), so recursion and cycles end and no walk runs per operation.
/// </remarks>
internal sealed class TrainingLoop
{
    /// <summary>How many calls deep a loop is followed: the loop's own calls are the first level.</summary>
    public const int MaxCallDepth = 3;

    private readonly bool _clippedThroughCalls;
    private readonly bool _backwardWritten;

    private TrainingLoop(
        ILoopOperation loop,
        IInvocationOperation step,
        IInvocationOperation backward,
        ImmutableList<IInvocationOperation> clipping,
        bool mayClipUnbound,
        bool zeroesGradients,
        bool isStepConditional,
        bool backwardWritten,
        IInvocationOperation? callInLoop = null,
        bool clippedThroughCalls = false,
        string? zeroGradNoFixReason = null,
        BlockSyntax? zeroGradBlock = null)
    {
        Loop = loop;
        Step = step;
        Backward = backward;
        Clipping = clipping;
        MayClipUnbound = mayClipUnbound;
        ZeroesGradients = zeroesGradients;
        IsStepConditional = isStepConditional;
        CallInLoop = callInLoop;
        _backwardWritten = backwardWritten;
        _clippedThroughCalls = clippedThroughCalls;
        ZeroGradNoFixReason = zeroGradNoFixReason;
        ZeroGradPlace = callInLoop is null ? loop.Body.Syntax as StatementSyntax : zeroGradBlock;
    }

    /// <summary>The loop: around the step, or, where the step is in a method the loop calls, around that call.</summary>
    public ILoopOperation Loop { get; }

    /// <summary>The optimizer's <c>step()</c>.</summary>
    public IInvocationOperation Step { get; }

    /// <summary>
    /// The last <c>backward()</c> before the step: in the loop body, or in the method that steps; or the call of a
    /// method of the user's own that calls it (<c>Backpropagate(loss);</c>), where it is written in that method.
    /// </summary>
    public IInvocationOperation Backward { get; }

    /// <summary>
    /// Every call in the loop body that clips gradients, wherever it stands: clip_grad_norm_ and the like, and the
    /// calls of the user's methods that clip. Empty where the step is in a method the loop calls (the positions of
    /// the loop's calls say nothing about the order inside that method).
    /// </summary>
    public ImmutableList<IInvocationOperation> Clipping { get; }

    /// <summary>
    /// True where the loop body makes a call that does not bind (half-typed code, a type in a file the compilation
    /// lacks) and that may be a clipping call: named <c>clip_grad_norm_</c> / <c>clip_grad_value_</c>, or with one of
    /// those among its candidates. Taken as clipping: NanGuard cannot tell that such a loop does not clip.
    /// </summary>
    public bool MayClipUnbound { get; }

    /// <summary>
    /// True where nothing in the loop clips, or may clip, the gradients: neither its body nor the methods it calls
    /// (for a step in a method the loop calls: none of the loops that call it).
    /// </summary>
    public bool IsUnclipped => Clipping.IsEmpty && !MayClipUnbound && !_clippedThroughCalls;

    /// <summary>
    /// True where the loop clears the gradients somewhere: <c>zero_grad()</c> on any optimizer or module, a method of
    /// the user's own that calls it (a few calls deep), or a write to a tensor's <c>grad</c> (<c>p.grad = null</c>,
    /// <c>p.grad.zero_()</c>). A loop that hands an optimizer or a module to a method whose body the compilation does
    /// not show counts as zeroing: that method may call <c>zero_grad()</c>. For a step in a method the loop calls:
    /// true where any of the loops that call it does.
    /// </summary>
    public bool ZeroesGradients { get; }

    /// <summary>
    /// True where the step runs only under a condition inside the loop (<c>if ((i + 1) % k == 0) optimizer.step();</c>),
    /// the shape of gradient accumulation: gradients are meant to add up between steps. For a step in a method the loop
    /// calls: a condition around the step in that method, or around a call on the way from any loop that calls it.
    /// </summary>
    public bool IsStepConditional { get; }

    /// <summary>
    /// Where the step is in a method the loop calls (a helper, a local function): the call in the loop's body through
    /// which the loop reaches that method (the first loop that does, in the order the compilation shows them); null
    /// where the step is in the loop's own body.
    /// </summary>
    public IInvocationOperation? CallInLoop { get; }

    /// <summary>True where the backward() and the step are both written in the loop's own body, not in methods it calls.</summary>
    public bool IsWithinLoopBody => CallInLoop is null && _backwardWritten;

    /// <summary>The places a finding about this loop also points at: the backward(), and the loop's call where the step is in a method it calls.</summary>
    public IEnumerable<Location> Locations => CallInLoop is null
        ? new[] { Backward.Syntax.GetLocation() }
        : new[] { Backward.Syntax.GetLocation(), CallInLoop.Syntax.GetLocation() };

    /// <summary>
    /// Where <c>zero_grad()</c> may be written, as the first statement: the loop body; for a step in a method the loop
    /// calls, that method's body, where the <c>backward()</c> is in it (else clearing there would clear the gradients
    /// the step is about to apply). Null where there is no such place (<see cref="ZeroGradNoFixReason"/> says why).
    /// </summary>
    public StatementSyntax? ZeroGradPlace { get; }

    /// <summary>Why <c>zero_grad()</c> cannot be written where the finding is reported, or null.</summary>
    public string? ZeroGradNoFixReason { get; }

    /// <summary>
    /// The clipping calls that stand between the backward() and the step, where clipping takes effect (a call of the
    /// user's own that both back-propagates and clips counts).
    /// </summary>
    public IEnumerable<IInvocationOperation> ClippingInPlace =>
        Clipping.Where(c => c.Syntax.SpanStart >= Backward.Syntax.SpanStart && c.Syntax.SpanStart < Step.Syntax.SpanStart);

    /// <summary>The optimizer's <c>step()</c> call, or false for any other call named step.</summary>
    public static bool IsOptimizerStep(IInvocationOperation invocation, Session session) =>
        invocation.TargetMethod.Name == "step"
        && invocation.Instance is { } instance
        && session.IsOptimizer(instance.Type);

    /// <summary>
    /// Finds the loop around an optimizer step that follows a backward() in the same loop, or, for a step outside any
    /// loop of its method, the loops that call that method.
    /// </summary>
    public static bool TryFind(IInvocationOperation step, Session session, out TrainingLoop loop)
    {
        loop = null!;
        if (!IsOptimizerStep(step, session) || HasClosure(step))
            return false;
        if (EnclosingLoop(step) is not { } enclosing)
            return TryFindThroughCalls(step, session, out loop);

        // What the loop body does to gradients is found once per loop: a loop with many steps would otherwise walk its
        // whole body again for each step (quadratic).
        var scan = ScanOf(enclosing, session);
        if (LastBefore(scan.Backwards, step.Syntax.SpanStart) is not { } backward)
            return false;
        loop = new TrainingLoop(enclosing, step, backward, scan.Clipping, scan.MayClipUnbound, scan.ZeroesGradients,
            IsUnderCondition(step, enclosing), IsBackward(backward, session));
        return true;
    }

    // A step outside any loop of its method: the method is a training step where loops call it (a few calls deep) and
    // a backward() comes before the step, in the method or before the call on the way. Reported once, at the step:
    // unclipped where no calling loop clips, missing zero_grad() where none clears the gradients.
    private static bool TryFindThroughCalls(IInvocationOperation step, Session session, out TrainingLoop loop)
    {
        loop = null!;
        if (step.SemanticModel is not { } model
            || model.GetEnclosingSymbol(step.Syntax.SpanStart) is not IMethodSymbol helper
            || !OptimizerFlow.IsFollowed(helper, session))
            return false;
        var callers = (ImmutableArray<CallingLoop>)session.CallingLoops.GetOrAdd(helper.OriginalDefinition, h => FindCallingLoops(h, model, session));
        if (callers.IsEmpty)
            return false;

        var ownBackward = FactsOf(helper, model, session) is { } facts
            ? BackwardAmong(facts, step.Syntax.SpanStart, model, session)
            : null;
        var conditional = IsUnderCondition(step, null);
        (CallingLoop Caller, IInvocationOperation Backward)? first = null;
        bool clipped = false, zeroes = false;
        foreach (var caller in callers)
        {
            if ((ownBackward ?? caller.BackwardBeforeCall(session)) is not { } backward)
                continue;
            var scan = ScanOf(caller.Loop, session);
            clipped |= !scan.Clipping.IsEmpty || scan.MayClipUnbound;
            zeroes |= scan.ZeroesGradients;
            conditional |= caller.IsConditional;
            first ??= (caller, backward);
        }
        if (first is not { } found)
            return false;
        var body = step.Syntax.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax) switch
        {
            BaseMethodDeclarationSyntax method => method.Body,
            LocalFunctionStatementSyntax local => local.Body,
            _ => null,
        };
        var reason = ownBackward is null
            ? "backward() runs before the method that steps is called: clear the gradients in the calling loop, before it"
            : body is null ? "the method that steps has no block body to clear the gradients at its top" : null;
        loop = new TrainingLoop(found.Caller.Loop, step, found.Backward, ImmutableList<IInvocationOperation>.Empty,
            mayClipUnbound: false, zeroes, conditional, IsBackward(found.Backward, session), found.Caller.Calls[0], clipped, reason,
            reason is null ? body : null);
        return true;
    }

    private static LoopScan ScanOf(ILoopOperation loop, Session session) =>
        (LoopScan)session.LoopScans.GetOrAdd(loop, body => Scan(body, session));

    private static IInvocationOperation? LastBefore(ImmutableList<IInvocationOperation> calls, int position)
    {
        IInvocationOperation? last = null;
        foreach (var call in calls)
        {
            if (call.Syntax.SpanStart < position && (last is null || call.Syntax.SpanStart > last.Syntax.SpanStart))
                last = call;
        }
        return last;
    }

    // True where a condition (if, switch, ?:) stands between the operation and the loop, or the top of its function.
    private static bool IsUnderCondition(IOperation operation, IOperation? loop)
    {
        for (var current = operation.Parent; current is not null && current != loop; current = current.Parent)
        {
            if (current is IConditionalOperation or ISwitchOperation or ISwitchCaseOperation)
                return true;
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                return false;
        }
        return false;
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
        foreach (var operation in OperationTree.AndSelf(loop.Body))
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
            else if (IsDirectClipping(invocation.TargetMethod, session))
                scan.Clipping = scan.Clipping.Add(invocation);
            else if (IsDirectZeroGrad(invocation.TargetMethod, session))
                scan.ZeroesGradients = true;
            else if (FactsOf(invocation.TargetMethod, invocation.SemanticModel, session) is { } facts)
            {
                // A method of the user's own: what it does, a few calls deep, the loop does.
                var reach = ReachOf(invocation.TargetMethod, facts, invocation.SemanticModel, session);
                if (reach.Backward && OptimizerFlow.IsFollowed(invocation.TargetMethod, session))
                    scan.Backwards = scan.Backwards.Add(invocation);
                if (reach.Clips)
                    scan.Clipping = scan.Clipping.Add(invocation);
                scan.ZeroesGradients |= reach.Zeroes;
            }
            else if (MayZeroGradUnseen(invocation, session))
                scan.ZeroesGradients = true;
        }
        return scan;
    }

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
    /// An optimizer or module passed to a method outside TorchSharp and System whose body the compilation does not
    /// show (another assembly's, an abstract or interface method's).
    /// </summary>
    private static bool MayZeroGradUnseen(IInvocationOperation invocation, Session session)
    {
        // Asked of every call in a loop body, most of them TorchSharp's: that first, then the arguments.
        var method = invocation.TargetMethod;
        return !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, session.Assembly)
            && invocation.Arguments.Any(a => ValueFlow.SkipConversions(a.Value).Type is { } type
                && (session.IsOptimizer(type) || session.IsModule(type)))
            && !IsUnderSystem(method.ContainingNamespace);
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

    // ---- What a method of the user's own does to gradients ----

    /// <summary>What one method's own body does, found by one walk of its operations.</summary>
    private sealed class MethodFacts
    {
        public static readonly MethodFacts NoBody = new();

        /// <summary>Clips (or makes an unbound call that may clip) anywhere in its body, lambdas included.</summary>
        public bool Clips { get; set; }

        /// <summary>Zeroes the gradients anywhere in its body, lambdas included.</summary>
        public bool Zeroes { get; set; }

        /// <summary>The backward() calls outside its lambdas and local functions, in source order.</summary>
        public List<InvocationExpressionSyntax> Backwards { get; } = new();

        /// <summary>The calls, outside its lambdas and local functions, of methods a backward() is followed into.</summary>
        public List<(InvocationExpressionSyntax Call, IMethodSymbol Callee)> Followed { get; } = new();

        /// <summary>Every method with a body in source that it calls, anywhere in its body.</summary>
        public HashSet<IMethodSymbol> Called { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>What it does with the methods it calls, once asked (see <see cref="ReachOf"/>).</summary>
        public Reach? Reach { get; set; }
    }

    /// <summary>What a method does with the methods it calls, down to <see cref="MaxCallDepth"/> levels from a loop.</summary>
    private sealed class Reach
    {
        public bool Backward { get; set; }
        public bool Clips { get; set; }
        public bool Zeroes { get; set; }
    }

    /// <summary>The facts of a method declared in source with a body, or null for any other (TorchSharp's, abstract, extern, in metadata).</summary>
    private static MethodFacts? FactsOf(IMethodSymbol method, SemanticModel? near, Session session)
    {
        method = method.OriginalDefinition;
        if (method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction)
            || method.IsAbstract || method.IsExtern || method.DeclaringSyntaxReferences.IsEmpty
            || SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, session.Assembly))
            return null;
        var facts = (MethodFacts)session.GradientFacts.GetOrAdd(method, m => Collect(m, near, session));
        return facts == MethodFacts.NoBody ? null : facts;
    }

    private static object Collect(IMethodSymbol method, SemanticModel? near, Session session)
    {
        MethodFacts? facts = null;
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax();
            if (declaration is not (BaseMethodDeclarationSyntax { Body: not null } or BaseMethodDeclarationSyntax { ExpressionBody: not null }
                    or LocalFunctionStatementSyntax { Body: not null } or LocalFunctionStatementSyntax { ExpressionBody: not null }))
                continue;
            var model = near is not null && near.SyntaxTree == declaration.SyntaxTree ? near : session.ModelOf(declaration.SyntaxTree);
            if (model.GetOperation(declaration) is not { } root)
                continue;
            facts ??= new MethodFacts();
            foreach (var operation in OperationTree.AndSelf(root))
            {
                if (operation is IPropertyReferenceOperation { Property.Name: "grad" } grad && session.IsTensor(grad.Property.ContainingType)
                    && WritesGradient(grad))
                    facts.Zeroes = true;
                else if (operation is IInvalidOperation { Syntax: InvocationExpressionSyntax unbound } && MayBeClipping(unbound, model, session))
                    facts.Clips = true;
                else if (operation is IInvocationOperation invocation)
                    Add(facts, invocation, root, session);
            }
        }
        return facts ?? MethodFacts.NoBody;
    }

    private static void Add(MethodFacts facts, IInvocationOperation invocation, IOperation root, Session session)
    {
        var called = invocation.TargetMethod;
        if (IsBackward(invocation, session))
        {
            if (invocation.Syntax is InvocationExpressionSyntax backward && !IsNested(invocation, root))
                facts.Backwards.Add(backward);
        }
        else if (IsDirectClipping(called, session))
            facts.Clips = true;
        else if (IsDirectZeroGrad(called, session))
            facts.Zeroes = true;
        else if (called.MethodKind is MethodKind.Ordinary or MethodKind.LocalFunction && !called.IsAbstract && !called.IsExtern
            && !called.OriginalDefinition.DeclaringSyntaxReferences.IsEmpty)
        {
            facts.Called.Add(called.OriginalDefinition);
            if (!IsNested(invocation, root) && OptimizerFlow.IsFollowed(called, session) && invocation.Syntax is InvocationExpressionSyntax syntax)
                facts.Followed.Add((syntax, called.OriginalDefinition));
        }
        else if (MayZeroGradUnseen(invocation, session))
            facts.Zeroes = true;
    }

    // Inside a lambda or local function of the method whose body root is given (which may not run).
    private static bool IsNested(IOperation operation, IOperation root)
    {
        for (var current = operation.Parent; current is not null && current != root; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                return true;
        }
        return false;
    }

    /// <summary>
    /// What <paramref name="method"/> and the methods it calls do, down to <see cref="MaxCallDepth"/> - 1 levels below
    /// it (the loop's own call is the first level); each method is visited once, so recursion ends.
    /// </summary>
    private static Reach ReachOf(IMethodSymbol method, MethodFacts facts, SemanticModel? near, Session session)
    {
        if (facts.Reach is { } known)
            return known;
        var reach = new Reach();
        // Clipping and zeroing through every method with a body, backward() only through followed calls.
        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method.OriginalDefinition };
        var level = new List<MethodFacts> { facts };
        for (var depth = 1; level.Count > 0; depth++)
        {
            var next = new List<MethodFacts>();
            foreach (var current in level)
            {
                reach.Clips |= current.Clips;
                reach.Zeroes |= current.Zeroes;
                if (depth >= MaxCallDepth)
                    continue;
                foreach (var callee in current.Called)
                {
                    if (visited.Add(callee) && FactsOf(callee, near, session) is { } calleeFacts)
                        next.Add(calleeFacts);
                }
            }
            level = next;
        }
        visited.Clear();
        visited.Add(method.OriginalDefinition);
        level = new List<MethodFacts> { facts };
        for (var depth = 1; level.Count > 0 && !reach.Backward; depth++)
        {
            var next = new List<MethodFacts>();
            foreach (var current in level)
            {
                reach.Backward |= current.Backwards.Count > 0;
                if (depth >= MaxCallDepth)
                    continue;
                foreach (var (_, callee) in current.Followed)
                {
                    if (visited.Add(callee) && FactsOf(callee, near, session) is { } calleeFacts)
                        next.Add(calleeFacts);
                }
            }
            level = next;
        }
        facts.Reach = reach;
        return reach;
    }

    // The last backward() (or call of a method that makes one) in a method's own body before the position, bound.
    private static IInvocationOperation? BackwardAmong(MethodFacts facts, int position, SemanticModel model, Session session)
    {
        InvocationExpressionSyntax? last = null;
        foreach (var backward in facts.Backwards)
        {
            if (backward.SpanStart < position && (last is null || backward.SpanStart > last.SpanStart))
                last = backward;
        }
        foreach (var (call, callee) in facts.Followed)
        {
            if (call.SpanStart < position && (last is null || call.SpanStart > last.SpanStart)
                && FactsOf(callee, model, session) is { } calleeFacts && ReachOf(callee, calleeFacts, model, session).Backward)
                last = call;
        }
        return last is not null && last.SyntaxTree == model.SyntaxTree ? model.GetOperation(last) as IInvocationOperation : null;
    }

    // ---- The loops that call a method that steps ----

    /// <summary>A loop that calls a method that steps, and the calls on the way (the first in the loop's body).</summary>
    private sealed class CallingLoop(ILoopOperation loop, ImmutableArray<IInvocationOperation> calls, bool isConditional)
    {
        public ILoopOperation Loop { get; } = loop;
        public ImmutableArray<IInvocationOperation> Calls { get; } = calls;

        /// <summary>True where a call on the way runs under a condition (in the loop, or in a method on the way).</summary>
        public bool IsConditional { get; } = isConditional;

        /// <summary>The backward() nearest before the call on the way: in a method on the way, else in the loop body.</summary>
        public IInvocationOperation? BackwardBeforeCall(Session session)
        {
            for (var i = Calls.Length - 1; i >= 1; i--)
            {
                var call = Calls[i];
                if (call.SemanticModel is { } model
                    && model.GetEnclosingSymbol(call.Syntax.SpanStart) is IMethodSymbol caller
                    && FactsOf(caller, model, session) is { } facts
                    && BackwardAmong(facts, call.Syntax.SpanStart, model, session) is { } backward)
                    return backward;
            }
            return LastBefore(ScanOf(Loop, session).Backwards, Calls[0].Syntax.SpanStart);
        }
    }

    // The loops that call the method, directly or through up to MaxCallDepth calls of followed methods, in the order the
    // compilation shows them; each method on the way visited once.
    private static object FindCallingLoops(IMethodSymbol method, SemanticModel near, Session session)
    {
        var loops = ImmutableArray.CreateBuilder<CallingLoop>();
        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method };
        var level = new List<(IMethodSymbol Method, ImmutableArray<IInvocationOperation> Calls, bool Conditional)>
        {
            (method, ImmutableArray<IInvocationOperation>.Empty, false),
        };
        for (var depth = 1; depth <= MaxCallDepth && level.Count > 0; depth++)
        {
            var next = new List<(IMethodSymbol, ImmutableArray<IInvocationOperation>, bool)>();
            foreach (var (callee, calls, conditional) in level)
            {
                foreach (var call in CallsOf(callee, near, session))
                {
                    var path = calls.Insert(0, call);
                    if (EnclosingLoop(call) is { } loop)
                        loops.Add(new CallingLoop(loop, path, conditional || IsUnderCondition(call, loop)));
                    else if (depth < MaxCallDepth
                        && call.SemanticModel?.GetEnclosingSymbol(call.Syntax.SpanStart) is IMethodSymbol caller
                        && OptimizerFlow.IsFollowed(caller, session)
                        && visited.Add(caller.OriginalDefinition))
                        next.Add((caller.OriginalDefinition, path, conditional || IsUnderCondition(call, null)));
                }
            }
            level = next;
        }
        return loops.ToImmutable();
    }

    // The invocations of a method in the code that can call it, bound (the model of the method's own file where the
    // call is in it, which has bound that code already or will).
    private static IEnumerable<IInvocationOperation> CallsOf(IMethodSymbol method, SemanticModel near, Session session)
    {
        foreach (var syntax in OptimizerFlow.CallsNamed(method, method.Name, session, withoutArguments: true))
        {
            var model = syntax.SyntaxTree == near.SyntaxTree ? near : session.ModelOf(syntax.SyntaxTree);
            if (syntax is InvocationExpressionSyntax && model.GetOperation(syntax) is IInvocationOperation call
                && SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, method))
                yield return call;
        }
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
