using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG3003: inside a module's <c>forward</c>, a submodule (a field or property of the module) run through
/// <c>forward(...)</c> instead of <c>call(...)</c>, which skips the submodule's forward hooks.
/// </summary>
public sealed class DirectForwardCallAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.DirectForwardCall);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("forward", (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols)
    {
        if (!IsSubmoduleForward(invocation, symbols) || !IsInModuleForward(context.ContainingSymbol, symbols))
            return;
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.DirectForwardCall,
            invocation.Syntax.GetLocation(),
            ValueFlow.SkipConversions(invocation.Instance!).Syntax.ToString()));
    }

    /// <summary><c>sub.forward(...)</c> where <c>sub</c> is a field or property of this module and forward is TorchSharp's.</summary>
    internal static bool IsSubmoduleForward(IInvocationOperation invocation, TorchSymbols symbols) =>
        IsModuleForward(invocation.TargetMethod, symbols)
        && invocation.Instance is { } instance
        && ValueFlow.SkipConversions(instance) is IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } } member
        && member is IFieldReferenceOperation or IPropertyReferenceOperation
        && symbols.IsModule(member.Type);

    /// <summary>True for <c>forward</c> of TorchSharp's <c>Module&lt;...&gt;</c>, or an override of it.</summary>
    private static bool IsModuleForward(IMethodSymbol method, TorchSymbols symbols)
    {
        var root = method;
        while (root.OverriddenMethod is { } overridden)
            root = overridden;
        return root.Name == "forward"
            && root.ContainingType is { Name: "Module" } declaring
            && TorchSymbols.Is(declaring.ContainingType, symbols.Nn);
    }

    private static bool IsInModuleForward(ISymbol? symbol, TorchSymbols symbols)
    {
        while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            symbol = symbol.ContainingSymbol;
        return symbol is IMethodSymbol { Name: "forward", IsStatic: false } method && symbols.IsModule(method.ContainingType);
    }
}
