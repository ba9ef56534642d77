using System.Globalization;

namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG2002: keeps the norm and guards the step with it:
/// <c>var norm = clip_grad_norm_(...); if (double.IsNaN(norm) || double.IsInfinity(norm)) optimizer.zero_grad(); else optimizer.step();</c>
/// (no <c>double.IsFinite</c>, which netstandard2.0 lacks). The local's name is the first of norm, norm1, ... that
/// no local, parameter or local function in scope, or declared in the same block, already has.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(IgnoredClipNormCodeFix)), Shared]
public sealed class IgnoredClipNormCodeFix : RuleFix<IgnoredClipNormAnalyzer, IgnoredClipNormMatch>
{
    /// <summary>The equivalence key of the guarded step.</summary>
    public const string EquivalenceKey = DiagnosticIds.IgnoredClipNorm + ".GuardStep";

    /// <summary>The equivalence key of NanGuard.Runtime's guarded step, offered where the project references the runtime.</summary>
    public const string GuardedStepEquivalenceKey = DiagnosticIds.IgnoredClipNorm + ".GuardedStep";

    internal override IEnumerable<FixAction?> Fix(FixContext context, IgnoredClipNormMatch match, Diagnostic diagnostic)
    {
        var (clip, clipStatement, step) = (match.Clip, match.Statement, match.Step);
        if (step.Syntax.Parent is not ExpressionStatementSyntax stepStatement
            || step.Instance is not { } optimizer
            || !Relocation.CanEvaluateAt(ValueFlow.SkipConversions(optimizer), stepStatement.SpanStart, context.Model, context.Session))
            yield break;

        var name = FreshName(context.Model, clipStatement, "norm");
        var declaration = SyntaxFactory.LocalDeclarationStatement(
                SyntaxFactory.VariableDeclaration(
                    SyntaxFactory.IdentifierName("var"),
                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(name)
                        .WithInitializer(SyntaxFactory.EqualsValueClause(((ExpressionSyntax)clip.Syntax).WithoutTrivia())))))
            .WithTriviaFrom(clipStatement)
            .WithAdditionalAnnotations(Formatter.Annotation);
        var zeroGrad = SyntaxFactory.ExpressionStatement(
            TorchSyntax.InstanceCall(TorchSyntax.Expression(ValueFlow.SkipConversions(optimizer)), "zero_grad"));
        var guard = SyntaxFactory.IfStatement(
                SyntaxFactory.BinaryExpression(SyntaxKind.LogicalOrExpression, DoubleCheck("IsNaN", name), DoubleCheck("IsInfinity", name)),
                zeroGrad,
                SyntaxFactory.ElseClause(stepStatement.WithoutTrivia()))
            .WithTriviaFrom(stepStatement)
            .WithAdditionalAnnotations(Formatter.Annotation);

        yield return context.Change("Skip the step when the gradient norm is not finite", EquivalenceKey,
            root => root.ReplaceNodes(new SyntaxNode[] { clipStatement, stepStatement }, (original, _) => original == clipStatement ? declaration : guard));

        if (GuardedStep(context, clip, clipStatement, stepStatement, optimizer) is { } guardedStep)
            yield return guardedStep;
    }

    /// <summary>
    /// NanGuard.Runtime's <c>GuardedStep.ClipAndStep(optimizer, parameters, maxNorm[, normType])</c> in place of the
    /// clip and the step, where the project references the runtime and the step directly follows the clip (so that
    /// nothing between them changes order).
    /// </summary>
    private static FixAction? GuardedStep(FixContext context, IInvocationOperation clip, StatementSyntax clipStatement, StatementSyntax stepStatement, IOperation optimizer)
    {
        var call = new TorchCall(clip);
        if (RuntimeApi.GuardedStep(context.Model.Compilation) is not { } guardedStep
            || StatementList.Following(clipStatement).FirstOrDefault() != stepStatement
            || stepStatement.GetLeadingTrivia().Any(t => !t.IsKind(SyntaxKind.WhitespaceTrivia) && !t.IsKind(SyntaxKind.EndOfLineTrivia))
            || call.Argument("tensors") is not { } parameters
            || call.Argument("max_norm") is not { } maxNorm)
            return null;
        var arguments = new List<ArgumentSyntax>
        {
            TorchSyntax.Argument(TorchSyntax.Expression(ValueFlow.SkipConversions(optimizer))),
            TorchSyntax.Argument(TorchSyntax.Expression(ValueFlow.SkipConversions(parameters.Value))),
            TorchSyntax.Argument(TorchSyntax.Expression(ValueFlow.SkipConversions(maxNorm.Value))),
        };
        if (call.Argument("norm_type") is { } normType)
            arguments.Add(TorchSyntax.Argument(TorchSyntax.Expression(ValueFlow.SkipConversions(normType.Value))));
        var guarded = SyntaxFactory.ExpressionStatement(TorchSyntax.Call(TorchSyntax.TypeName(guardedStep), "ClipAndStep", arguments.ToArray()))
            .WithTriviaFrom(clipStatement)
            .WithAdditionalAnnotations(Formatter.Annotation);
        // The step goes (with its whole line; its statement in a top-level program), the clip becomes the guarded step.
        SyntaxNode removed = stepStatement.Parent is GlobalStatementSyntax global ? global : stepStatement;
        return context.Change("Use NanGuard's guarded step (skips non-finite steps)", GuardedStepEquivalenceKey, root =>
        {
            var tracked = root.TrackNodes(clipStatement, removed);
            var replaced = tracked.ReplaceNode(tracked.GetCurrentNode(clipStatement)!, guarded);
            return replaced.RemoveNode(replaced.GetCurrentNode(removed)!, SyntaxRemoveOptions.KeepNoTrivia)!;
        });
    }

    private static InvocationExpressionSyntax DoubleCheck(string method, string local) =>
        SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.DoubleKeyword)), SyntaxFactory.IdentifierName(method)),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(local)))));

    // Fix-all computes every fix against the same original document, so each fix must pick a name no sibling fix
    // picks: the n-th ignored clip of a block starts its search at suffix n. One at a time, the earlier fixes' names
    // already stand in the block and the search moves past them: both ways give norm, norm1, ...
    private static string FreshName(SemanticModel model, StatementSyntax statement, string stem)
    {
        var container = statement.Parent is GlobalStatementSyntax global ? global.Parent! : statement.Parent!;
        for (var suffix = EarlierIgnoredClips(model, statement, container); ; suffix++)
        {
            var name = suffix == 0 ? stem : stem + suffix.ToString(CultureInfo.InvariantCulture);
            var inScope = model.LookupSymbols(statement.SpanStart, name: name)
                .Any(s => s is ILocalSymbol or IParameterSymbol or IRangeVariableSymbol or IMethodSymbol { MethodKind: MethodKind.LocalFunction });
            var declaredInBlock = container.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == name);
            if (!inScope && !declaredInBlock)
                return name;
        }
    }

    private static int EarlierIgnoredClips(SemanticModel model, StatementSyntax statement, SyntaxNode container) =>
        container.ChildNodes()
            .Select(child => child is GlobalStatementSyntax global ? global.Statement : child)
            .TakeWhile(child => child != statement)
            .Count(child => child is ExpressionStatementSyntax { Expression: var expression }
                && (expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" }, Right: var right } ? right : expression) is InvocationExpressionSyntax call
                && model.GetSymbolInfo(call).Symbol is IMethodSymbol { Name: "clip_grad_norm_" });
}
