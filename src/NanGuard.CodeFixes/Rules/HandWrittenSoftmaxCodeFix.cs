using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers;
using NanGuard.Analyzers.Matching;

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG1006: rewrites <c>torch.exp(x) / torch.exp(x).sum(d, keepdim: true)</c> as <c>F.softmax(x, d)</c>, or
/// <c>x.exp() / ...</c> as <c>x.softmax(d)</c>. A sum asked for a dtype gets no fix: softmax's dtype would change
/// the precision of the whole computation, not of the sum alone.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HandWrittenSoftmaxCodeFix)), Shared]
public sealed class HandWrittenSoftmaxCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the softmax rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.HandWrittenSoftmax + ".UseSoftmax";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HandWrittenSoftmax);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (!TorchSyntax.TryGetOperation<IBinaryOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var division)
            || !ExpLogPatterns.IsHandWrittenSoftmax(division, context.Symbols, out var exp, out var sum)
            || sum.Argument("dim") is not { } dim
            || sum.Has("type")
            || exp.Input is not { } input
            || !ExpLogSyntax.CanWriteAt(input, division.Syntax, context.Model))
            yield break;

        var x = TorchSyntax.Expression(input);
        var dimArgument = TorchSyntax.ArgumentLike(dim, "dim");
        ExpressionSyntax replacement = exp.IsInstanceForm
            ? TorchSyntax.InstanceCall(x, "softmax", dimArgument)
            : TorchSyntax.Call(TorchSyntax.Functional, "softmax", TorchSyntax.Argument(x), dimArgument);
        yield return context.Replace("Use softmax", EquivalenceKey, division.Syntax, replacement);
    }
}
