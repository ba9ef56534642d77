using NanGuard.Analyzers.Numerics;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Rules;

/// <summary>NG1001: <c>torch.log(F.softmax(x, d))</c> and every other spelling of the log of a softmax.</summary>
public sealed class LogOfSoftmaxAnalyzer : Rule<LogOfSoftmaxMatch>
{
    internal override DiagnosticDescriptor Descriptor => Descriptors.LogOfSoftmax;

    internal override ImmutableArray<string> Outranks { get; } =
        ImmutableArray.Create(DiagnosticIds.XLogY, DiagnosticIds.LogOfZeroable);

    internal override bool IsHazard => true;

    private protected override Listens Listen(Listens listens) => listens.Invocations(Ops.Logarithms);

    internal override IEnumerable<LogOfSoftmaxMatch> Find(IOperation anchor, Session session)
    {
        var log = new TorchCall((IInvocationOperation)anchor);
        if (!Ops.IsLogarithm(log.Method, session) || log.Input is not { } input)
            yield break;
        var facts = session.Facts.Of(input);
        // A parameter of which nothing is known (a public method's, a module's forward's): the softmax a call in the
        // compilation passes.
        if (!facts.IsKnown && Passed.Tensor(input, IsSoftmax, session) is { } passed)
            facts = passed;
        if (!IsSoftmax(facts))
            yield break;
        yield return log.Method.Name == "log" && LocalSoftmax(facts, input, session) is { } softmax
            ? new LogOfSoftmaxMatch(log, softmax, session)
            : new LogOfSoftmaxMatch(log, facts);
    }

    private static bool IsSoftmax(Facts facts) => facts.IsProbabilityFrom("softmax") && facts.Exact && facts.CanBeZero;

    // The softmax call itself where the log reads its result directly (through locals) in the same member: the
    // log_softmax can be written from it.
    private static TorchCall? LocalSoftmax(Facts facts, IOperation input, Session session) =>
        facts.Via.IsEmpty && facts.Producer is IInvocationOperation { TargetMethod.Name: "softmax" } producer
        && ValueFlow.Unwrap(input, session) == producer
            ? new TorchCall(producer)
            : null;

    internal override object?[] MessageArguments(LogOfSoftmaxMatch match, Session session)
    {
        if (match.Facts is { } remote)
            return new object?[] { "log_softmax in place of the softmax" + Explain.Via(remote) };
        var dims = match.HasDtype ? "dim, dtype" : "dim";
        return new object?[]
        {
            match.Form switch
            {
                SoftmaxForm.Special => "torch.special.log_softmax(x, " + dims + ")",
                SoftmaxForm.Instance => "x.log_softmax(" + dims + ")",
                _ => "F.log_softmax(x, dim)",
            },
        };
    }

    internal override IEnumerable<Location> AdditionalLocations(LogOfSoftmaxMatch match) =>
        match.Facts is { } remote ? Explain.Locations(remote) : Enumerable.Empty<Location>();
}

/// <summary>How the log_softmax is written: as the softmax was, and through torch.special where the softmax was or
/// where it has a dtype (F.log_softmax has none).</summary>
internal enum SoftmaxForm
{
    Functional,
    Instance,
    Special,
}

/// <summary>Where the log_softmax is written.</summary>
internal enum LogSoftmaxRewrite
{
    /// <summary>In place of the log, on the softmax's logits (which can be written there).</summary>
    AtTheLog,

    /// <summary>
    /// In place of the softmax that initializes a local read only by the log: the local then holds the
    /// log-probabilities (renamed where its name says probabilities) and the log becomes a read of it.
    /// </summary>
    AtTheLocal,
}

/// <summary>NG1001's finding: the log, its softmax, the form the rewrite takes and where it is written.</summary>
public sealed class LogOfSoftmaxMatch : Match
{
    internal LogOfSoftmaxMatch(TorchCall log, TorchCall softmax, Session session)
        : base(log.Invocation)
    {
        Softmax = softmax;
        HasDtype = softmax.Has("dtype");
        Form = softmax.IsInstanceForm ? SoftmaxForm.Instance
            : HasDtype || Session.Is(softmax.Method.ContainingType, session.Special) ? SoftmaxForm.Special
            : SoftmaxForm.Functional;
        Logits = softmax.Input;
        Dim = softmax.Argument("dim");
        if (Logits is null || Dim is null)
            NoFixReason = "the softmax's logits or dim are not written out";
        else if (Relocation.CanWriteAt(Logits, log.Invocation.Syntax, session))
            Rewrite = LogSoftmaxRewrite.AtTheLog;
        else if (LocalReadOnlyByTheLog(log, softmax) is { } local)
            (Rewrite, Local) = (LogSoftmaxRewrite.AtTheLocal, local);
        else
            NoFixReason = "the logits cannot be written at the log, and the softmax's local is read other than by the log";
    }

    /// <summary>A softmax computed elsewhere (another member, a module): log_softmax needs its logits there.</summary>
    internal LogOfSoftmaxMatch(TorchCall log, Facts facts)
        : base(log.Invocation)
    {
        Facts = facts;
        NoFixReason = Explain.NoRewriteAtTheLog(log.Method, facts, "softmax", "log_softmax", "logits");
    }

    /// <summary>For a softmax computed elsewhere: what the engine knows of it, with the members it came through.</summary>
    internal Facts? Facts { get; }

    /// <summary>Where the probability is computed elsewhere, no rewrite can be written at the log: NG1009's xlogy can.</summary>
    internal override ImmutableArray<string> YieldsTo =>
        Facts is null ? ImmutableArray<string>.Empty : ImmutableArray.Create(DiagnosticIds.XLogY);

    internal TorchCall Softmax { get; }
    internal SoftmaxForm Form { get; }
    internal bool HasDtype { get; }
    internal IOperation? Logits { get; }
    internal IArgumentOperation? Dim { get; }
    internal LogSoftmaxRewrite Rewrite { get; }

    /// <summary>For <see cref="LogSoftmaxRewrite.AtTheLocal"/>: the declarator of the local the softmax initializes.</summary>
    internal VariableDeclaratorSyntax? Local { get; }

    internal override string? NoFixReason { get; }

    // The declarator of the local the log reads, where the softmax is its initializer, it is a plain local declaration
    // (a using would dispose what the log now returns) and the log is its one mention.
    private static VariableDeclaratorSyntax? LocalReadOnlyByTheLog(TorchCall log, TorchCall softmax)
    {
        if (log.Input is not ILocalReferenceOperation { Local: var local } read || log.Invocation.SemanticModel is not { } model
            || local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax
            {
                Initializer.Value: var initializer,
                Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0 } },
            } declarator)
            return null;
        while (initializer is ParenthesizedExpressionSyntax parenthesized)
            initializer = parenthesized.Expression;
        if (initializer != softmax.Invocation.Syntax)
            return null;
        var scope = declarator.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax and not GlobalStatementSyntax)
            ?? declarator.SyntaxTree.GetRoot();
        var mentions = scope.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Where(identifier => identifier.Identifier.ValueText == local.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier).Symbol, local));
        return mentions.All(identifier => identifier == read.Syntax) ? declarator : null;
    }
}
