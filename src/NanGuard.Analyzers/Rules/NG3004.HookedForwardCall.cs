using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG3004: a module that has forward hooks (<c>register_forward_hook</c>, <c>register_forward_pre_hook</c>, or a
/// NanGuard.Runtime <c>NanDetector</c> built on it) run through <c>forward(...)</c>, which never runs them. The module
/// is the same local or parameter in the same member body, or the same field or property of the same type (in the
/// same file), as the one the hook was registered on.
/// </summary>
public sealed class HookedForwardCallAnalyzer : Rule<HookedForwardCallMatch>
{
    private static readonly string[] RegistrationNames = { "register_forward_hook", "register_forward_pre_hook" };

    internal override DiagnosticDescriptor Descriptor => Descriptors.HookedForwardCall;

    // A submodule with hooks, run through forward() inside its module's forward, is NG3003's pattern with the hooks
    // known to be there: one finding, this one's.
    internal override ImmutableArray<string> Outranks { get; } = ImmutableArray.Create(DiagnosticIds.DirectForwardCall);

    private protected override Listens Listen(Listens listens) => listens.Invocations("forward");

    internal override IEnumerable<HookedForwardCallMatch> Find(IOperation anchor, Session session)
    {
        var invocation = (IInvocationOperation)anchor;
        if (!ModuleForward.Is(invocation.TargetMethod, session)
            || invocation.Instance is not { } instance
            || ModuleHeld(ValueFlow.SkipConversions(instance)) is not { } module
            || invocation.SemanticModel is not { } model
            || Scope(module, invocation.Syntax) is not { } scope)
            yield break;
        var hooks = (Dictionary<ISymbol, IOperation>)session.ForwardHooks.GetOrAdd(scope, s => Registrations(s, model, session));
        if (hooks.TryGetValue(module, out var registration))
            yield return new HookedForwardCallMatch(invocation, instance, registration);
    }

    internal override object?[] MessageArguments(HookedForwardCallMatch match, Session session) =>
        new object?[] { match.Module.Syntax.ToString(), match.HookKind };

    internal override IEnumerable<Location> AdditionalLocations(HookedForwardCallMatch match) =>
        new[] { match.Registration.Syntax.GetLocation() };

    /// <summary>The local, parameter, or field or property of this type (or a static one) that holds the module.</summary>
    private static ISymbol? ModuleHeld(IOperation module) => module switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IMemberReferenceOperation { Member: IFieldSymbol or IPropertySymbol } member
            when member.Instance is null or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } => member.Member,
        _ => null,
    };

    /// <summary>
    /// Where a hook on <paramref name="module"/> is looked for: the member body that declares a local or parameter (all
    /// top-level statements together), or the declaration of the type that declares a field or property.
    /// </summary>
    private static SyntaxNode? Scope(ISymbol module, SyntaxNode use)
    {
        if (module is IFieldSymbol or IPropertySymbol)
            return module.ContainingType.DeclaringSyntaxReferences.FirstOrDefault(r => r.SyntaxTree == use.SyntaxTree)?.GetSyntax();
        return MemberBody.Around(use);
    }

    /// <summary>Each module given a forward hook in <paramref name="scope"/>, with the first call that gives it one.</summary>
    private static object Registrations(SyntaxNode scope, SemanticModel model, Session session)
    {
        var hooks = new Dictionary<ISymbol, IOperation>(SymbolEqualityComparer.Default);
        foreach (var node in scope.DescendantNodes())
        {
            if (!MayRegister(node, session) || HookedModule(model.GetOperation(node), session) is not { } module)
                continue;
            if (ModuleHeld(ValueFlow.SkipConversions(module)) is { } held && !hooks.ContainsKey(held))
                hooks[held] = model.GetOperation(node)!;
        }
        return hooks;
    }

    /// <summary>
    /// True where some file of the compilation gives a module forward hooks (a TorchSharp
    /// <c>register_forward_hook</c> / <c>register_forward_pre_hook</c>, or a <c>new NanDetector(...)</c>): where none
    /// does, running a submodule through <c>forward</c> skips nothing (NG3003). Only files whose text names a
    /// registration or NanDetector are walked, and a walk stops at the first registration that binds.
    /// </summary>
    internal static bool RegistersForwardHooks(Session session)
    {
        foreach (var tree in session.Compilation.SyntaxTrees)
        {
            var text = session.TextOf(tree);
            if (text.IndexOf("register_forward_", System.StringComparison.Ordinal) < 0
                && (session.NanDetector is null || text.IndexOf("NanDetector", System.StringComparison.Ordinal) < 0))
                continue;
            var model = session.ModelOf(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (MayRegister(node, session) && HookedModule(model.GetOperation(node), session) is not null)
                    return true;
            }
        }
        return false;
    }

    // The cheap test first, on the syntax: a call named as a registration, or a construction (of a NanDetector, where
    // the compilation references the runtime).
    private static bool MayRegister(SyntaxNode node, Session session) => node switch
    {
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => RegistrationNames.Contains(access.Name.Identifier.ValueText),
        ObjectCreationExpressionSyntax { Type: var type } => session.NanDetector is not null && NamesNanDetector(type),
        ImplicitObjectCreationExpressionSyntax => session.NanDetector is not null,
        _ => false,
    };

    private static bool NamesNanDetector(TypeSyntax type) =>
        (type is QualifiedNameSyntax qualified ? qualified.Right : type) is SimpleNameSyntax { Identifier.ValueText: "NanDetector" };

    /// <summary>The module a registration hooks: the receiver of TorchSharp's register_forward_(pre_)hook, the model of a NanDetector.</summary>
    private static IOperation? HookedModule(IOperation? operation, Session session) => operation switch
    {
        IInvocationOperation { Instance: { } receiver } registration
            when SymbolEqualityComparer.Default.Equals(registration.TargetMethod.ContainingAssembly, session.Assembly)
                && session.IsModule(registration.TargetMethod.ContainingType) => receiver,
        IObjectCreationOperation creation when Session.Is(creation.Type, session.NanDetector) =>
            creation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value,
        _ => null,
    };
}

/// <summary>NG3004's finding: the forward call, the module it runs, and the call that gave the module its hooks.</summary>
public sealed class HookedForwardCallMatch : Match
{
    internal HookedForwardCallMatch(IInvocationOperation invocation, IOperation module, IOperation registration)
        : base(invocation)
    {
        Invocation = invocation;
        Module = module;
        Registration = registration;
    }

    internal IInvocationOperation Invocation { get; }

    /// <summary>The module as written at the forward call.</summary>
    internal IOperation Module { get; }

    /// <summary>The <c>register_forward_hook</c> / <c>register_forward_pre_hook</c> call or the <c>new NanDetector(...)</c>.</summary>
    internal IOperation Registration { get; }

    /// <summary>How the hooks were registered, as the message names it.</summary>
    internal string HookKind => Registration is IInvocationOperation call ? call.TargetMethod.Name : "a NanDetector";
}
