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
/// NG1013: clamps the divisor from below, <c>s.clamp_min(1)</c> for a count and <c>s.clamp_min(eps)</c> otherwise
/// (<c>torch.clamp_min(s, b)</c> where the sum was written in the static form); the value changes only where the sum was 0
/// (or, for a non-count, below eps).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DivisionByZeroableSumCodeFix)), Shared]
public sealed class DivisionByZeroableSumCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the clamp rewrite.</summary>
    public const string EquivalenceKey = DiagnosticIds.DivisionByZeroableSum + ".ClampDivisor";

    /// <summary>The equivalence key of the NanGuard.Runtime rewrite, offered where the project references the runtime.</summary>
    public const string StableOpEquivalenceKey = DiagnosticIds.DivisionByZeroableSum + RuntimeApi.StableOpKey;

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DivisionByZeroableSum);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(DivisionByZeroableSumAnalyzer.BoundProperty, out var bound) || bound is null
            || !TorchSyntax.TryGetOperation<IBinaryOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var quotient)
            || !DivisionByZeroableSumAnalyzer.IsDivisionByZeroableSum(quotient, context.Symbols, out _, out _))
            yield break;
        var divisor = ValueFlow.SkipConversions(quotient.RightOperand);
        var literal = TorchSyntax.Argument(TorchSyntax.DoubleLiteral(bound));
        ExpressionSyntax clamped = divisor is IInvocationOperation { Instance: null } staticSum
            ? SyntaxFactory.InvocationExpression(
                TorchSyntax.TorchFunctionLike(new TorchCall(staticSum), context.Symbols.Torch, "clamp_min"),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[] { TorchSyntax.Argument(TorchSyntax.Expression(divisor)), literal })))
            : TorchSyntax.InstanceCall(TorchSyntax.Expression(divisor), "clamp_min", literal);
        yield return context.Replace("Clamp the divisor from below", EquivalenceKey, divisor.Syntax, clamped);

        var safeDivision = RuntimeApi.StableOp(context, DiagnosticIds.DivisionByZeroableSum, "Use NanGuard's StableOps.safe_div",
            quotient.Syntax, "safe_div",
            TorchSyntax.Argument(TorchSyntax.Expression(quotient.LeftOperand)),
            TorchSyntax.Argument(TorchSyntax.Expression(divisor)));
        if (safeDivision is not null)
            yield return safeDivision;
    }
}
