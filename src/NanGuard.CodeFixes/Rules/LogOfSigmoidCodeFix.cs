using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1003: rewrites the log of a sigmoid as logsigmoid of the same logits, in the form the user wrote the sigmoid:
/// <c>torch.log(torch.sigmoid(x))</c> becomes <c>F.logsigmoid(x)</c>, <c>x.sigmoid().log()</c> becomes
/// <c>x.log_sigmoid()</c>, and <c>log(1 - sigmoid(x))</c> becomes <c>logsigmoid(-x)</c> (1 - sigmoid(x) = sigmoid(-x)).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LogOfSigmoidCodeFix)), Shared]
public sealed class LogOfSigmoidCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the logsigmoid rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.LogOfSigmoid + ".UseLogSigmoid";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.LogOfSigmoid);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (!TorchSyntax.TryGetOperation<IInvocationOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var log)
            || !ExpLogPatterns.IsLogOfSigmoid(new TorchCall(log), context.Symbols, out var sigmoid, out var complement)
            || sigmoid.Input is not { } logits
            || !ExpLogSyntax.CanWriteAt(logits, log.Syntax, context.Model))
            yield break;

        var x = TorchSyntax.Expression(logits);
        if (complement)
            x = ExpLogSyntax.Negate(x);
        ExpressionSyntax replacement;
        if (sigmoid.IsInstanceForm)
        {
            if (!ExpLogSyntax.Declares(context.Symbols.Tensor, "log_sigmoid"))
                yield break;
            replacement = TorchSyntax.InstanceCall(x, "log_sigmoid");
        }
        else
        {
            if (!ExpLogSyntax.Declares(context.Symbols.Functional, "logsigmoid"))
                yield break;
            var container = TorchSyntax.ContainerLike(sigmoid, context.Symbols.Functional, TorchSyntax.Functional);
            replacement = TorchSyntax.Call(container, "logsigmoid", TorchSyntax.Argument(x));
        }
        yield return context.Replace("Use logsigmoid", EquivalenceKey, log.Syntax, replacement);
    }
}
