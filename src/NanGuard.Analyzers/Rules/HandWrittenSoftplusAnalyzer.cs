using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Rules;

/// <summary>NG1007: the hand-written softplus <c>torch.log(1 + torch.exp(x))</c>, in every spelling.</summary>
public sealed class HandWrittenSoftplusAnalyzer : NanGuardAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.HandWrittenSoftplus);

    internal override void Register(RuleRegistrar rules)
    {
        var symbols = rules.Symbols;
        rules.OnInvocation("log", (context, invocation) => Analyze(context, invocation, symbols));
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, TorchSymbols symbols)
    {
        if (ExpLogPatterns.IsLogOfOnePlusExp(new TorchCall(invocation), symbols, out _))
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.HandWrittenSoftplus, invocation.Syntax.GetLocation()));
    }
}
