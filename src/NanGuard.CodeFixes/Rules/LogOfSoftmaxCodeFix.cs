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
/// NG1001: rewrites the log of a softmax as log_softmax on the same logits, in the form the user wrote the softmax:
/// <c>x.softmax(d).log()</c> becomes <c>x.log_softmax(d)</c>, <c>torch.log(F.softmax(x, d))</c> becomes
/// <c>F.log_softmax(x, d)</c>, and a softmax asked for a dtype becomes <c>torch.special.log_softmax(x, d, dtype)</c>
/// (F.log_softmax has no dtype).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LogOfSoftmaxCodeFix)), Shared]
public sealed class LogOfSoftmaxCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the log_softmax rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.LogOfSoftmax + ".UseLogSoftmax";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.LogOfSoftmax);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (!TorchSyntax.TryGetOperation<IInvocationOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var log)
            || !TorchPatterns.IsLogOfSoftmax(new TorchCall(log), context.Symbols, out var softmax)
            || softmax.Input is not { } logits
            || softmax.Argument("dim") is not { } dim)
            yield break;
        if (!Relocation.IsInside(logits, log.Syntax) && !Relocation.CanEvaluateAt(logits, log.Syntax.SpanStart, context.Model))
            yield break;

        var replacement = LogSoftmax(softmax, logits, dim, context.Symbols);
        yield return context.Replace("Use log_softmax", EquivalenceKey, log.Syntax, replacement);
    }

    private static ExpressionSyntax LogSoftmax(TorchCall softmax, IOperation logits, IArgumentOperation dim, TorchSymbols symbols)
    {
        var x = TorchSyntax.Expression(logits);
        var dimArgument = TorchSyntax.ArgumentLike(dim, "dim");
        var dtype = softmax.Argument("dtype");
        if (softmax.IsInstanceForm)
        {
            return dtype is null
                ? TorchSyntax.InstanceCall(x, "log_softmax", dimArgument)
                : TorchSyntax.InstanceCall(x, "log_softmax", dimArgument, TorchSyntax.ArgumentLike(dtype, "dtype"));
        }

        var useSpecial = dtype is not null || TorchSymbols.Is(softmax.Method.ContainingType, symbols.Special);
        var container = useSpecial
            ? TorchSyntax.ContainerLike(softmax, symbols.Special, TorchSyntax.Special)
            : TorchSyntax.ContainerLike(softmax, symbols.Functional, TorchSyntax.Functional);
        var input = TorchSyntax.Argument(x);
        return dtype is null
            ? TorchSyntax.Call(container, "log_softmax", input, dimArgument)
            : TorchSyntax.Call(container, "log_softmax", input, dimArgument, TorchSyntax.ArgumentLike(dtype, "dtype"));
    }
}
