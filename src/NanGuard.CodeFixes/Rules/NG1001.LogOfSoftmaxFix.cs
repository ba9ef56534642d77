namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1001: rewrites the log of a softmax as log_softmax on the same logits, in the form the user wrote the softmax:
/// <c>x.softmax(d).log()</c> becomes <c>x.log_softmax(d)</c>, <c>torch.log(F.softmax(x, d))</c> becomes
/// <c>F.log_softmax(x, d)</c>, and a softmax asked for a dtype becomes <c>torch.special.log_softmax(x, d, dtype)</c>
/// (F.log_softmax has no dtype). Where the logits cannot be written at the log but the softmax initializes a local that
/// only the log reads, the local's initializer becomes the log_softmax and the log a read of the local, renamed where
/// its name says probabilities (<c>probs</c> becomes <c>logProbs</c>, <c>p</c> <c>logP</c>, <c>class_probs</c>
/// <c>class_log_probs</c>), to a name nothing in scope or in the member already has.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LogOfSoftmaxCodeFix)), Shared]
public sealed class LogOfSoftmaxCodeFix : RuleFix<LogOfSoftmaxAnalyzer, LogOfSoftmaxMatch>
{
    /// <summary>The equivalence key of the log_softmax rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.LogOfSoftmax + ".UseLogSoftmax";

    internal override IEnumerable<FixAction?> Fix(FixContext context, LogOfSoftmaxMatch match, Diagnostic diagnostic)
    {
        if (match.Logits is not { } logits || match.Dim is not { } dim)
            yield break;
        var logSoftmax = LogSoftmax(match, logits, dim, context.Session);
        if (match is { Rewrite: LogSoftmaxRewrite.AtTheLocal, Local: { } local })
            yield return RewriteLocal(context, match, local, logSoftmax);
        else
            yield return context.Replace("Use log_softmax", EquivalenceKey, match.Anchor.Syntax, logSoftmax);
    }

    private static FixAction RewriteLocal(FixContext context, LogOfSoftmaxMatch match, VariableDeclaratorSyntax local, ExpressionSyntax logSoftmax)
    {
        var name = LogName(local.Identifier.ValueText) is { } logName ? FreshName(context.Model, local, logName) : local.Identifier.ValueText;
        var softmax = match.Softmax.Invocation.Syntax;
        var declarator = local
            .ReplaceNode(softmax, logSoftmax.WithTriviaFrom(softmax))
            .WithIdentifier(SyntaxFactory.Identifier(name).WithTriviaFrom(local.Identifier))
            .WithAdditionalAnnotations(Formatter.Annotation);
        var log = match.Anchor.Syntax;
        var read = SyntaxFactory.IdentifierName(name).WithTriviaFrom(log);
        return context.Change("Use log_softmax in the local", EquivalenceKey,
            root => root.ReplaceNodes(new[] { local, log }, (original, _) => original == local ? declarator : read));
    }

    private static readonly HashSet<string> ProbabilityWords = new(System.StringComparer.OrdinalIgnoreCase)
    {
        "p", "prob", "probs", "proba", "probas", "probability", "probabilities", "softmax",
    };

    /// <summary>
    /// The name saying log-probabilities for a local whose name says probabilities (a word of it, camelCase or
    /// snake_case, is one of <see cref="ProbabilityWords"/>): "log" goes before that word. Null where no word does.
    /// </summary>
    private static string? LogName(string name)
    {
        var words = System.Text.RegularExpressions.Regex.Matches(name, "[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+");
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (!ProbabilityWords.Contains(word.Value))
                continue;
            if (i > 0 && string.Equals(words[i - 1].Value, "log", System.StringComparison.OrdinalIgnoreCase))
                return null;
            var snake = name.IndexOf('_') >= 0 && char.IsLower(word.Value[0]);
            var prefix = snake ? "log_"
                : word.Index == 0 && char.IsLower(name[0]) ? "log"
                : "Log";
            var rest = snake || word.Index > 0 ? word.Value : char.ToUpperInvariant(word.Value[0]) + word.Value.Substring(1);
            return name.Substring(0, word.Index) + prefix + rest + name.Substring(word.Index + word.Length);
        }
        return null;
    }

    // The first of name, name2, ... that nothing in scope at the local, and no identifier in its member, has.
    private static string FreshName(SemanticModel model, VariableDeclaratorSyntax local, string stem)
    {
        var member = local.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax and not GlobalStatementSyntax) ?? local.SyntaxTree.GetRoot();
        var taken = new HashSet<string>(member.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText), System.StringComparer.Ordinal);
        for (var suffix = 1; ; suffix++)
        {
            var name = suffix == 1 ? stem : stem + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!taken.Contains(name) && model.LookupSymbols(local.SpanStart, name: name).IsEmpty)
                return name;
        }
    }

    private static ExpressionSyntax LogSoftmax(LogOfSoftmaxMatch match, IOperation logits, IArgumentOperation dim, Session session)
    {
        var softmax = match.Softmax;
        var arguments = new List<ArgumentSyntax> { TorchSyntax.ArgumentLike(dim, "dim") };
        if (softmax.Argument("dtype") is { } dtype)
            arguments.Add(TorchSyntax.ArgumentLike(dtype, "dtype"));
        var x = TorchSyntax.Expression(logits);
        if (match.Form == SoftmaxForm.Instance)
            return TorchSyntax.InstanceCall(x, "log_softmax", arguments.ToArray());
        var container = match.Form == SoftmaxForm.Special
            ? TorchSyntax.ContainerLike(softmax, session.Special, TorchSyntax.Special)
            : TorchSyntax.ContainerLike(softmax, session.Functional, TorchSyntax.Functional);
        arguments.Insert(0, TorchSyntax.Argument(x));
        return TorchSyntax.Call(container, "log_softmax", arguments.ToArray());
    }
}
