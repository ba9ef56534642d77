namespace NanGuard.CodeFixes.Rules;

/// <summary>
/// NG2001: inserts <c>torch.nn.utils.clip_grad_norm_(model.parameters(), maxNorm);</c> right before the step, where
/// <c>model</c> is the module whose parameters built the optimizer (read where the code shows it), else the
/// optimizer's own <c>parameters()</c>. The max norm comes from <c>nanguard.NG2001.max_norm</c>. Where the project
/// references NanGuard.Runtime, a second fix writes its guarded step in place of the step, with a line that prints each
/// step it skips (<see cref="RuntimeApi.VisibleGuardedStep"/>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnclippedStepCodeFix)), Shared]
public sealed class UnclippedStepCodeFix : RuleFix<UnclippedStepAnalyzer, UnclippedStepMatch>
{
    /// <summary>The equivalence key of the clip_grad_norm_ insertion.</summary>
    public const string EquivalenceKey = DiagnosticIds.UnclippedStep + ".ClipGradNorm";

    /// <summary>The equivalence key of the NanGuard.Runtime guarded step, offered where the project references it.</summary>
    public const string GuardedStepEquivalenceKey = DiagnosticIds.UnclippedStep + ".GuardedStep";

    internal override IEnumerable<FixAction?> Fix(FixContext context, UnclippedStepMatch match, Diagnostic diagnostic)
    {
        var step = match.Loop.Step;
        if (step.Syntax.FirstAncestorOrSelf<StatementSyntax>() is not ExpressionStatementSyntax statement
            || !statement.Expression.Span.Contains(step.Syntax.Span)
            || ParametersToClip(match, statement.SpanStart, context) is not { } parameters)
            yield break;
        var maxNorm = diagnostic.Properties.TryGetValue(UnclippedStepAnalyzer.MaxNormProperty, out var text) && text is not null
            ? text
            : "1.0";
        var clip = SyntaxFactory.ExpressionStatement(TorchSyntax.Call(
                TorchSyntax.NnUtilsAt(context.Model, statement.SpanStart),
                "clip_grad_norm_",
                TorchSyntax.Argument(parameters),
                TorchSyntax.Argument(TorchSyntax.DoubleLiteral(maxNorm))))
            .WithAdditionalAnnotations(Formatter.Annotation);

        yield return context.Change("Clip the gradient norm before step()", EquivalenceKey, root => InsertBefore(root, statement, clip));

        // The guarded step clips, then steps only on a finite norm: it replaces a step whose result is unused. A step it
        // skips is never silent: the statement prints the result (skipped, the norm, the first non-finite gradient).
        if (statement.Expression == step.Syntax
            && RuntimeApi.GuardedStep(context.Model.Compilation) is { } guardedStep
            && step.Instance is { } stepOptimizer)
        {
            var guarded = TorchSyntax.Call(
                TorchSyntax.TypeName(guardedStep),
                "ClipAndStep",
                TorchSyntax.Argument(TorchSyntax.Expression(ValueFlow.SkipConversions(stepOptimizer))),
                TorchSyntax.Argument(parameters),
                TorchSyntax.Argument(TorchSyntax.DoubleLiteral(maxNorm)));
            if (RuntimeApi.VisibleGuardedStep(context.Model.Compilation, guarded, FreshName(context.Model, statement, "skipped"), statement.SyntaxTree) is { } visible)
            {
                // An embedded step (if (ready) optimizer.step(); else ...) becomes a block: the new if must not take the else.
                var replacement = statement.Parent is BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax
                    ? visible
                    : SyntaxFactory.Block(visible);
                yield return context.Replace("Use NanGuard's guarded step (skips non-finite steps, and says so)", GuardedStepEquivalenceKey, statement, replacement);
            }
        }
    }

    // The result's pattern variable lives in the enclosing block (a switch's sections share one). Fix-all computes every
    // fix against the same document, so the names are handed out to every step statement of the member in order, each
    // the first free one not handed out before: every fix of the member computes the same list and takes its own.
    // One at a time, the earlier fixes' names stand in the member and are not free any more.
    private static string FreshName(SemanticModel model, StatementSyntax statement, string stem)
    {
        var member = statement.FirstAncestorOrSelf<SyntaxNode>(n => n is MemberDeclarationSyntax and not GlobalStatementSyntax or CompilationUnitSyntax)!;
        var used = new HashSet<string>(member.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText), System.StringComparer.Ordinal);
        var steps = member.DescendantNodes()
            .OfType<ExpressionStatementSyntax>()
            .Where(s => s == statement || s.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "step" } });
        foreach (var step in steps)
        {
            for (var suffix = 0; ; suffix++)
            {
                var name = suffix == 0 ? stem : stem + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (used.Contains(name) || model.LookupSymbols(step.SpanStart, name: name)
                        .Any(s => s is ILocalSymbol or IParameterSymbol or IRangeVariableSymbol or IMethodSymbol { MethodKind: MethodKind.LocalFunction }))
                    continue;
                if (step == statement)
                    return name;
                used.Add(name);
                break;
            }
        }
        return stem;
    }

    /// <summary><c>model.parameters()</c> where the optimizer's construction shows the model, else <c>optimizer.parameters()</c>.</summary>
    private static ExpressionSyntax? ParametersToClip(UnclippedStepMatch match, int position, FixContext context)
    {
        if (match.Loop.Step.Instance is not { } optimizer)
            return null;
        var origin = match.Origin;
        var owner = origin?.Module is { } module && Relocation.CanEvaluateAt(module, position, context.Model, context.Session)
            ? module
            : Relocation.CanEvaluateAt(ValueFlow.SkipConversions(optimizer), position, context.Model, context.Session) ? optimizer : null;
        return owner is null ? null : TorchSyntax.InstanceCall(TorchSyntax.Expression(ValueFlow.SkipConversions(owner)), "parameters");
    }

    private static SyntaxNode InsertBefore(SyntaxNode root, StatementSyntax statement, StatementSyntax inserted)
    {
        if (statement.Parent is BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax)
        {
            var anchor = statement.Parent is GlobalStatementSyntax global ? (SyntaxNode)global : statement;
            var node = anchor is GlobalStatementSyntax ? (SyntaxNode)SyntaxFactory.GlobalStatement(inserted) : inserted;
            return root.InsertNodesBefore(anchor, new[] { node });
        }
        // An embedded statement (if (...) optimizer.step();) becomes a block holding both.
        var block = SyntaxFactory.Block(inserted, statement.WithoutTrivia())
            .WithTriviaFrom(statement)
            .WithAdditionalAnnotations(Formatter.Annotation);
        return root.ReplaceNode(statement, block);
    }
}
