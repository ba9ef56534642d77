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
/// NG1008: rewrites <c>torch.log(1 + x)</c> as <c>torch.log1p(x)</c> and <c>torch.exp(x) - 1</c> as
/// <c>torch.expm1(x)</c>, in the form the user wrote the log or the exp (<c>(1 + x).log()</c> becomes <c>x.log1p()</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(Log1pExpm1CodeFix)), Shared]
public sealed class Log1pExpm1CodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of both rewrites, so that one fix-all applies them together.</summary>
    public const string EquivalenceKey = DiagnosticIds.Log1pExpm1 + ".UseLog1pOrExpm1";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.Log1pExpm1);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        var span = diagnostic.Location.SourceSpan;
        if (TorchSyntax.TryGetOperation<IInvocationOperation>(context.Model, context.Root, span, context.CancellationToken, out var invocation))
        {
            var log = new TorchCall(invocation);
            if (ExpLogPatterns.IsLogOfOnePlus(log, context.Symbols, out var addend)
                && ExpLogSyntax.CanWriteAt(addend, invocation.Syntax, context.Model))
                yield return context.Replace("Use log1p", EquivalenceKey, invocation.Syntax, Rewrite(log, addend, "log1p", context));
        }
        else if (TorchSyntax.TryGetOperation<IBinaryOperation>(context.Model, context.Root, span, context.CancellationToken, out var subtraction)
            && ExpLogPatterns.IsExpMinusOne(subtraction, context.Symbols, out var exp)
            && exp.Input is { } input
            && ExpLogSyntax.CanWriteAt(input, subtraction.Syntax, context.Model))
        {
            yield return context.Replace("Use expm1", EquivalenceKey, subtraction.Syntax, Rewrite(exp, input, "expm1", context));
        }
    }

    // The form follows the call that is replaced: torch.log(...) gives torch.log1p(x), (...).log() gives x.log1p().
    private static ExpressionSyntax Rewrite(TorchCall like, IOperation operand, string name, FixContext context)
    {
        var x = TorchSyntax.Expression(operand);
        return like.IsInstanceForm
            ? TorchSyntax.InstanceCall(x, name)
            : ExpLogSyntax.StaticCall(like, context.Symbols.Torch, TorchSyntax.Torch, name, context.Model, TorchSyntax.Argument(x));
    }
}
