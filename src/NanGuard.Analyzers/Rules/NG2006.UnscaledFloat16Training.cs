using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG2006: a training loop (<c>backward()</c> then <c>optimizer.step()</c>) in a member body that makes a tensor or
/// module float16 (<c>half()</c>, <c>to(ScalarType.Float16)</c>, <c>dtype: torch.float16</c>), whose loss is not scaled
/// before <c>backward()</c>: float16 gradients below about 3e-8 round to 0 and above 65504 overflow. bfloat16, which has
/// float32's range, is not reported.
/// </summary>
public sealed class UnscaledFloat16TrainingAnalyzer : Rule<UnscaledFloat16TrainingMatch>
{
    private static readonly string[] Float16Names = { "half", "float16", "Float16" };

    internal override DiagnosticDescriptor Descriptor => Descriptors.UnscaledFloat16Training;

    private protected override Listens Listen(Listens listens) => listens.Invocations("step");

    internal override IEnumerable<UnscaledFloat16TrainingMatch> Find(IOperation anchor, Session session)
    {
        // Only a loop whose backward() and step are written in its own body: where they are in methods it calls, the
        // loss scaling may be there too.
        if (!TrainingLoop.TryFind((IInvocationOperation)anchor, session, out var loop) || !loop.IsWithinLoopBody
            || anchor.SemanticModel is not { } model
            || MemberBody.Around(loop.Loop.Syntax) is not { } body)
            yield break;
        var float16 = (IOperation[])session.HalfPrecision.GetOrAdd(body, b => Float16Conversions(b, model, session));
        if (float16.Length == 0
            || IsScaled(loop.Backward, session)
            || session.LossScaling.GetOrAdd(loop.Loop, l => UsesLossScaler(l, session)))
            yield break;
        yield return new UnscaledFloat16TrainingMatch(loop, float16[0]);
    }

    internal override object?[] MessageArguments(UnscaledFloat16TrainingMatch match, Session session) =>
        new object?[]
        {
            session.LossScaler is null
                ? "multiply the loss by a scale (a power of two such as 1024) before backward() and divide the gradients by it before step()"
                : "back-propagate NanGuard.Runtime's LossScaler.scale(loss) and step with TrainingGuard.Step(loss, scaler) or GuardedStep.ClipAndStep(..., scaler)",
        };

    internal override IEnumerable<Location> AdditionalLocations(UnscaledFloat16TrainingMatch match) =>
        new[] { match.Float16.Syntax.GetLocation() };

    /// <summary>Every place in <paramref name="body"/> that makes a tensor or module float16, in source order.</summary>
    private static object Float16Conversions(SyntaxNode body, SemanticModel model, Session session)
    {
        // Most training code never names float16: one search of the body's text (the names are "half" or contain
        // "loat16") spares those bodies the walk of their syntax.
        var text = body.SyntaxTree.GetText().ToString(body.Span);
        if (text.IndexOf("half", System.StringComparison.Ordinal) < 0 && text.IndexOf("loat16", System.StringComparison.Ordinal) < 0)
            return System.Array.Empty<IOperation>();
        var found = new List<IOperation>();
        foreach (var name in body.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            // The cheap test first, on the syntax: the names TorchSharp gives float16.
            if (!Float16Names.Contains(name.Identifier.ValueText))
                continue;
            SyntaxNode node = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
            if (node.Parent is InvocationExpressionSyntax invocation && invocation.Expression == node)
                node = invocation;
            if (model.GetOperation(node) is { } operation && MakesFloat16(operation, session))
                found.Add(operation);
        }
        return found.ToArray();
    }

    /// <summary>
    /// <c>t.half()</c> / <c>module.half()</c>, or <c>ScalarType.Float16</c>, <c>torch.float16</c> or <c>torch.half</c>
    /// passed to a TorchSharp method (<c>to</c>, a creation function's <c>dtype</c>).
    /// </summary>
    private static bool MakesFloat16(IOperation operation, Session session) => operation switch
    {
        IInvocationOperation { TargetMethod: { Name: "half" } method } half =>
            IsTorchSharp(method, session) && Receiver(half) is { } receiver
            && (session.IsTensor(receiver.Type) || session.IsModule(receiver.Type)),
        IFieldReferenceOperation { Field: var field } when IsFloat16Field(field, session) =>
            ValueFlow.ParentValue(operation) is IInvocationOperation call && IsTorchSharp(call.TargetMethod, session),
        _ => false,
    };

    // A module's half() is TorchSharp's extension method, a tensor's an instance method.
    private static IOperation? Receiver(IInvocationOperation call) =>
        call.Instance ?? (call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 ? ValueFlow.SkipConversions(call.Arguments[0].Value) : null);

    private static bool IsFloat16Field(IFieldSymbol field, Session session) =>
        Session.Is(field.Type, session.ScalarType)
        && (field.Name == "Float16" && Session.Is(field.ContainingType, session.ScalarType)
            || field.Name is "float16" or "half" && Session.Is(field.ContainingType, session.Torch));

    private static bool IsTorchSharp(IMethodSymbol method, Session session) =>
        SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, session.Assembly);

    /// <summary>
    /// True where the loss back-propagated is scaled: a product (<c>(loss * scale).backward()</c>, <c>loss.mul(scale)</c>),
    /// also through a local, or NanGuard.Runtime's <c>scaler.scale(loss)</c>.
    /// </summary>
    private static bool IsScaled(IInvocationOperation backward, Session session) =>
        backward.Instance is { } loss
        && ValueFlow.Unwrap(loss, session) switch
        {
            IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product => session.IsOperator(product.OperatorMethod),
            IInvocationOperation { TargetMethod: var method } =>
                method.Name is "mul" or "multiply" && session.IsOp(method, method.Name)
                || Session.Is(method.ContainingType, session.LossScaler),
            _ => false,
        };

    /// <summary>True where the loop body hands a NanGuard.Runtime LossScaler to a call or calls one.</summary>
    private static bool UsesLossScaler(ILoopOperation loop, Session session)
    {
        if (session.LossScaler is null)
            return false;
        foreach (var invocation in loop.Body.DescendantsAndSelf().OfType<IInvocationOperation>())
        {
            if (Session.Is(invocation.Instance?.Type, session.LossScaler)
                || invocation.Arguments.Any(a => Session.Is(ValueFlow.SkipConversions(a.Value).Type, session.LossScaler)))
                return true;
        }
        return false;
    }
}

/// <summary>NG2006's finding: the loop, reported at its backward(), and the first place the member body makes float16.</summary>
public sealed class UnscaledFloat16TrainingMatch : Match
{
    internal UnscaledFloat16TrainingMatch(TrainingLoop loop, IOperation float16)
        : base(loop.Step)
    {
        Loop = loop;
        Float16 = float16;
    }

    internal TrainingLoop Loop { get; }

    /// <summary>The <c>half()</c> call or the float16 dtype argument.</summary>
    internal IOperation Float16 { get; }

    internal override IOperation Reported => Loop.Backward;
}
