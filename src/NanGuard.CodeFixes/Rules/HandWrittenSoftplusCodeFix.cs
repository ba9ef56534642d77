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
/// NG1007: rewrites <c>torch.log(1 + torch.exp(x))</c> as <c>F.softplus(x)</c>, and <c>(1 + x.exp()).log()</c> as
/// <c>x.softplus()</c>: equal within rounding below softplus' threshold (20), and linear, so finite, above it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HandWrittenSoftplusCodeFix)), Shared]
public sealed class HandWrittenSoftplusCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the softplus rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.HandWrittenSoftplus + ".UseSoftplus";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HandWrittenSoftplus);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (!TorchSyntax.TryGetOperation<IInvocationOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var invocation)
            || !ExpLogPatterns.IsLogOfOnePlusExp(new TorchCall(invocation), context.Symbols, out var exp)
            || exp.Input is not { } input
            || !ExpLogSyntax.CanWriteAt(input, invocation.Syntax, context.Model))
            yield break;

        var x = TorchSyntax.Expression(input);
        ExpressionSyntax replacement = invocation.Instance is not null
            ? TorchSyntax.InstanceCall(x, "softplus")
            : TorchSyntax.Call(TorchSyntax.Functional, "softplus", TorchSyntax.Argument(x));
        yield return context.Replace("Use softplus", EquivalenceKey, invocation.Syntax, replacement);
    }
}
