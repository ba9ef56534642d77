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
public sealed class BinaryCrossEntropyOnProbabilitiesCodeFix : RuleFix<BinaryCrossEntropyOnProbabilitiesAnalyzer, BinaryCrossEntropyMatch>
{
    /// <summary>The equivalence key of the with-logits rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.BinaryCrossEntropyOnProbabilities + ".UseWithLogits";

    private const string WithLogits = "binary_cross_entropy_with_logits";

    internal override IEnumerable<FixAction?> Fix(FixContext context, BinaryCrossEntropyMatch match, Diagnostic diagnostic)
    {
        if (match.Logits is not { } logits
            || !Relocation.CanWriteAt(logits, match.Reported.Syntax, context.Session)
            || !Relocation.CanWriteAt(match.Target, match.Reported.Syntax, context.Session)
            || !context.Session.Declares(context.Session.Functional, WithLogits))
            yield break;

        var replacement = match.Call is { } call
            ? RenamedCall(call, logits)
            : HandWrittenReplacement(match, logits);
        if (replacement is not null)
            yield return context.Replace("Use binary_cross_entropy_with_logits", EquivalenceKey, match.Reported.Syntax, replacement);
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
