namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG3003: inside a module's <c>forward</c>, a submodule (a field or property of the module) run through
/// <c>forward(...)</c> instead of <c>call(...)</c>, which skips the submodule's forward hooks, in a compilation that
/// registers forward hooks or builds a NanDetector somewhere (where none does, forward() skips nothing).
/// </summary>
public sealed class DirectForwardCallAnalyzer : Rule<DirectForwardCallMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.DirectForwardCall;

    private protected override Listens Listen(Listens listens) => listens.Invocations("forward");

    internal override IEnumerable<DirectForwardCallMatch> Find(IOperation anchor, Session session)
    {
        var invocation = (IInvocationOperation)anchor;
        if (ModuleForward.Is(invocation.TargetMethod, session)
            && invocation.Instance is { } instance
            && ValueFlow.SkipConversions(instance) is IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } } member
            && member is IFieldReferenceOperation or IPropertyReferenceOperation
            && session.IsModule(member.Type)
            && IsInModuleForward(invocation.SemanticModel?.GetEnclosingSymbol(invocation.Syntax.SpanStart), session)
            // Last, and once per compilation: with no hook anywhere, forward() skips nothing.
            && session.RegistersForwardHooks(HookedForwardCallAnalyzer.RegistersForwardHooks))
            yield return new DirectForwardCallMatch(invocation, member);
    }

    internal override object?[] MessageArguments(DirectForwardCallMatch match, Session session) =>
        new object?[] { match.Submodule.Syntax.ToString() };

    private static bool IsInModuleForward(ISymbol? symbol, Session session)
    {
        while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            symbol = symbol.ContainingSymbol;
        return symbol is IMethodSymbol { Name: "forward", IsStatic: false } method && session.IsModule(method.ContainingType);
    }
}

/// <summary>NG3003's finding: the forward call and the submodule it runs.</summary>
public sealed class DirectForwardCallMatch : Match
{
    internal DirectForwardCallMatch(IInvocationOperation invocation, IMemberReferenceOperation submodule)
        : base(invocation)
    {
        Invocation = invocation;
        Submodule = submodule;
    }

    internal IInvocationOperation Invocation { get; }
    internal IMemberReferenceOperation Submodule { get; }
}
