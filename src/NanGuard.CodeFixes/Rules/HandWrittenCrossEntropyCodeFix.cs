using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers;
using NanGuard.Analyzers.Matching;
using NanGuard.Analyzers.Rules;

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1002: rewrites a hand-written cross entropy as <c>F.cross_entropy</c> on the logits: Reduction.Sum for a total
/// sum, the default mean for <c>.sum(1).mean()</c>, and the class indices in place of <c>F.one_hot(labels, C)</c>.
/// Offered only where the analyzer found the rewrite keeps the value.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HandWrittenCrossEntropyCodeFix)), Shared]
public sealed class HandWrittenCrossEntropyCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the cross_entropy rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.HandWrittenCrossEntropy + ".UseCrossEntropy";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HandWrittenCrossEntropy);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.ContainsKey(HandWrittenCrossEntropyAnalyzer.NoFixReasonProperty)
            || !TorchSyntax.TryGetOperation<IOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var root)
            || Reduction(root) is not { } reduction
            || !CrossEntropyMatcher.TryMatch(reduction, context.Symbols, out var match)
            || match.WhyNoFix(context.Model) is not null
            || match.LogProbabilities.Logits is not { } logits)
            yield break;

        var arguments = new List<ArgumentSyntax>
        {
            TorchSyntax.Argument(TorchSyntax.Expression(logits)),
            TorchSyntax.Argument(TorchSyntax.Expression(match.Labels ?? match.Target)),
        };
        if (match.Reduction == CrossEntropyReduction.Sum)
        {
            arguments.Add(TorchSyntax.NamedArgument("reduction", SyntaxFactory.MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression, TorchSyntax.Reduction, SyntaxFactory.IdentifierName("Sum"))));
        }
        var crossEntropy = TorchSyntax.Call(TorchSyntax.Functional, "cross_entropy", arguments.ToArray());
        yield return context.Replace("Use F.cross_entropy on the logits", EquivalenceKey, match.Root.Syntax, crossEntropy);
    }

    /// <summary>The reduction call the matcher starts from: the reported node, or the operand of its negation.</summary>
    private static IInvocationOperation? Reduction(IOperation reported) => reported switch
    {
        IInvocationOperation invocation => invocation,
        IUnaryOperation negation => ValueFlow.SkipConversions(negation.Operand) as IInvocationOperation,
        _ => null,
    };
}
