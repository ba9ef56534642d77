using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>
/// NG1015: <c>torch.where(c, torch.log(x), y)</c> and <c>torch.where(c, a / b, z)</c> (either branch, static or instance
/// where): the discarded branch is still computed, and its inf or NaN reaches the gradient. Reported on the branch.
/// </summary>
public sealed class UnsafeWhereAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.UnsafeWhere);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("where", (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols)
    {
        if (!NumericPatterns.IsWhere(new TorchCall(invocation), symbols, out _, out var whenTrue, out var whenFalse))
            return;
        foreach (var branch in new[] { whenTrue, whenFalse })
        {
            if (NumericPatterns.IsUnsafeBranch(branch, symbols, out _, out var op))
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnsafeWhere, branch.Syntax.GetLocation(), op));
        }
    }
}
