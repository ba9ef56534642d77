using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Operations;
using NanGuard.Analyzers;
using NanGuard.Analyzers.Infrastructure;
using NanGuard.Analyzers.Matching;
using NanGuard.Analyzers.Rules;

namespace NanGuard.CodeFixes.Rules;

/// <summary>NG3001: <c>torch.clamp_min_(t, e);</c> becomes <c>t.clamp_min_(e);</c>, the instance method, which is in place.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StaticClampNotInPlaceCodeFix)), Shared]
public sealed class StaticClampNotInPlaceCodeFix : NanGuardCodeFix
{
    /// <summary>The equivalence key of the rewrite to the instance method.</summary>
    public const string EquivalenceKey = DiagnosticIds.StaticClampNotInPlace + ".InstanceMethod";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.StaticClampNotInPlace);

    internal override IEnumerable<FixAction?> CreateFixes(FixContext context, Diagnostic diagnostic)
    {
        if (!TorchSyntax.TryGetOperation<IInvocationOperation>(context.Model, context.Root, diagnostic.Location.SourceSpan, context.CancellationToken, out var invocation)
            || !invocation.TargetMethod.IsStatic
            || !TorchSymbols.Is(invocation.TargetMethod.ContainingType, context.Symbols.Torch)
            || !StaticClampNotInPlaceAnalyzer.IsResultDiscarded(invocation))
            yield break;

        var call = new TorchCall(invocation);
        var boundName = invocation.TargetMethod.Name == "clamp_min_" ? "min" : "max";
        // Clamping a temporary in place changes nothing the code reads again: no rewrite makes that statement useful.
        if (call.Input is not ({ } input and (ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
                or IPropertyReferenceOperation or IArrayElementReferenceOperation))
            || call.Argument(boundName) is not { } bound)
            yield break;

        var replacement = TorchSyntax.InstanceCall(TorchSyntax.Expression(input), invocation.TargetMethod.Name, TorchSyntax.ArgumentLike(bound, boundName));
        // `_ = torch.clamp_min_(t, e);` loses the discard with the call: the in-place call's result is not needed.
        var replaced = invocation.Parent is ISimpleAssignmentOperation assignment ? assignment.Syntax : invocation.Syntax;
        yield return context.Replace("Clamp in place with " + invocation.TargetMethod.Name, EquivalenceKey, replaced, replacement);
    }
}
