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

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1004: rewrites a binary cross entropy on sigmoid probabilities as binary_cross_entropy_with_logits on the logits.
/// <c>F.binary_cross_entropy(torch.sigmoid(x), y, w, r)</c> keeps its call as written and every other argument
/// (the two functions take input, target, weight and reduction in the same order and under the same names);
/// the hand-written <c>-(y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x))).mean()</c> becomes
/// <c>F.binary_cross_entropy_with_logits(x, y)</c>, with <c>Reduction.Sum</c> for <c>.sum()</c> and
/// <c>Reduction.None</c> where nothing reduces it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BinaryCrossEntropyOnProbabilitiesCodeFix)), Shared]
public sealed class BinaryCrossEntropyOnProbabilitiesCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the with-logits rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.BinaryCrossEntropyOnProbabilities + ".UseWithLogits";

    private const string WithLogits = "binary_cross_entropy_with_logits";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.BinaryCrossEntropyOnProbabilities);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (!TryMatch(context, diagnostic, out var match)
            || match.Logits is not { } logits
            || !ExpLogSyntax.CanWriteAt(logits, match.Root.Syntax, context.Model)
            || !ExpLogSyntax.CanWriteAt(match.Target, match.Root.Syntax, context.Model)
            || !ExpLogSyntax.Declares(context.Symbols.Functional, WithLogits))
            yield break;

        var replacement = match.Call is { } call
            ? RenamedCall(call, logits)
            : HandWrittenReplacement(match, logits);
        if (replacement is not null)
            yield return context.Replace("Use binary_cross_entropy_with_logits", EquivalenceKey, match.Root.Syntax, replacement);
    }

    private static bool TryMatch(FixContext context, Diagnostic diagnostic, out BinaryCrossEntropyMatch match)
    {
        match = null!;
        var span = diagnostic.Location.SourceSpan;
        if (TorchSyntax.TryGetOperation<IInvocationOperation>(context.Model, context.Root, span, context.CancellationToken, out var invocation)
            && BinaryCrossEntropyMatcher.TryMatchCall(invocation, context.Symbols, out match))
            return true;
        // The hand-written loss is reported on its root; the matcher starts from the sum of the two terms inside it.
        var root = context.Root.FindNode(span, getInnermostNodeForTie: true);
        foreach (var node in root.DescendantNodesAndSelf())
        {
            if (node is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } add
                && context.Model.GetOperation(add, context.CancellationToken) is IBinaryOperation sum
                && BinaryCrossEntropyMatcher.TryMatchHandWritten(sum, context.Symbols, out match)
                && match.Root.Syntax.Span == span)
                return true;
        }
        return false;
    }

    // F.binary_cross_entropy(sigmoid(x), ...) -> F.binary_cross_entropy_with_logits(x, ...), every other argument untouched.
    private static ExpressionSyntax? RenamedCall(TorchCall call, IOperation logits)
    {
        if (call.Invocation.Syntax is not InvocationExpressionSyntax invocation
            || call.Argument("input")?.Value.Syntax is not ExpressionSyntax input)
            return null;
        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };
        if (name is null)
            return null;
        var x = TorchSyntax.Expression(logits).WithTriviaFrom(input);
        return invocation.ReplaceNodes(
            new SyntaxNode[] { name, input },
            (original, _) => original == name
                ? SyntaxFactory.IdentifierName(WithLogits).WithTriviaFrom(name)
                : x);
    }

    private static ExpressionSyntax HandWrittenReplacement(BinaryCrossEntropyMatch match, IOperation logits)
    {
        var arguments = new List<ArgumentSyntax>
        {
            TorchSyntax.Argument(TorchSyntax.Expression(logits)),
            TorchSyntax.Argument(TorchSyntax.Expression(match.Target)),
        };
        var reduction = match.Reduction switch
        {
            BinaryCrossEntropyReduction.Sum => "Sum",
            BinaryCrossEntropyReduction.None => "None",
            _ => null,
        };
        if (reduction is not null)
        {
            var value = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, TorchSyntax.Reduction, SyntaxFactory.IdentifierName(reduction));
            arguments.Add(TorchSyntax.NamedArgument("reduction", value));
        }
        return TorchSyntax.Call(TorchSyntax.Functional, WithLogits, arguments.ToArray());
    }
}
