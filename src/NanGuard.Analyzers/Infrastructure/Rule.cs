using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NanGuard.Analyzers.Infrastructure;

/// <summary>
/// What a rule found: everything its message and its fix need, worked out once by the rule's matcher. The analyzer
/// formats the message from it and the code fix rebuilds the code from it (finding it again at the diagnostic's
/// location with the same matcher), so the two cannot disagree.
/// </summary>
public abstract class Match
{
    private protected Match(IOperation anchor) => Anchor = anchor;

    /// <summary>The operation the rule listened to and matched from.</summary>
    internal IOperation Anchor { get; }

    /// <summary>Where the finding is reported: the anchor, or a part of it the rule names.</summary>
    internal virtual IOperation Reported => Anchor;

    /// <summary>The operations the finding stands for: a rule this one outranks says nothing about any of them.</summary>
    internal virtual IEnumerable<IOperation> Covers
    {
        get
        {
            yield return Anchor;
            if (Reported != Anchor)
                yield return Reported;
        }
    }

    /// <summary>The anchor and the operations inside it a match owns (the exp of a log-sum-exp).</summary>
    private protected IEnumerable<IOperation> AnchorAnd(params IOperation[] parts) => new[] { Anchor }.Concat(parts);

    /// <summary>
    /// The ids of rules this finding gives way to even where its rule outranks theirs: a finding with no fix at the
    /// reported place (a softmax computed in another member) yields to one that can be fixed there (NG1009's xlogy).
    /// </summary>
    internal virtual ImmutableArray<string> YieldsTo => ImmutableArray<string>.Empty;

    /// <summary>Why the finding gets no automatic fix (said in the message), or null where the fix can be written.</summary>
    internal virtual string? NoFixReason => null;
}

/// <summary>The operations a rule listens to: invocations by method name, object creations by type name, TorchSharp's binary operators by kind.</summary>
internal sealed class Listens
{
    private readonly HashSet<string> _methods = new(System.StringComparer.Ordinal);
    private readonly HashSet<string> _types = new(System.StringComparer.Ordinal);
    private readonly HashSet<BinaryOperatorKind> _operators = new();

    public IReadOnlyCollection<string> Methods => _methods;
    public IReadOnlyCollection<string> Types => _types;
    public IReadOnlyCollection<BinaryOperatorKind> Operators => _operators;

    /// <summary>Listens to every invocation of a method with one of <paramref name="names"/>.</summary>
    public Listens Invocations(params string[] names)
    {
        _methods.UnionWith(names);
        return this;
    }

    /// <summary>Listens to every construction (<c>new T(...)</c>) of a type named one of <paramref name="names"/>.</summary>
    public Listens Creations(params string[] names)
    {
        _types.UnionWith(names);
        return this;
    }

    /// <summary>Listens to every binary operator of one of <paramref name="kinds"/> that TorchSharp declares.</summary>
    public Listens TensorOperators(params BinaryOperatorKind[] kinds)
    {
        _operators.UnionWith(kinds);
        return this;
    }

    /// <summary>True where <paramref name="operation"/> is something the rule listens to.</summary>
    public bool Hears(IOperation operation, Session session) => operation switch
    {
        IInvocationOperation invocation => _methods.Contains(invocation.TargetMethod.Name),
        IObjectCreationOperation { Type: { } type } => _types.Contains(type.Name),
        IBinaryOperation binary => _operators.Contains(binary.OperatorKind) && session.IsOperator(binary.OperatorMethod),
        _ => false,
    };
}

/// <summary>
/// A NanGuard rule, declared once: its descriptor, what it listens to, its matcher, the rules it outranks and whether
/// its finding is a numerics hazard that raises NG2001. The <see cref="RuleSet"/> dispatches to the matcher, keeps
/// the finding a higher-ranked rule does not cover, and reports it; the code fix asks the same matcher again.
/// </summary>
/// <remarks>
/// A rule is also a complete analyzer that reports only itself (tests and the benchmark run one rule alone): it still
/// runs the matchers of the rules that outrank it, and of the hazards where its severity depends on them, so that
/// alone it reports exactly what it reports among all the rules.
/// </remarks>
public abstract class Rule : NanGuardAnalyzer
{
    private ImmutableArray<DiagnosticDescriptor> _supported;
    private Listens? _listens;

    private protected Rule()
    {
    }

    /// <summary>The rule's descriptor: id, title, message, category, default severity.</summary>
    internal abstract DiagnosticDescriptor Descriptor { get; }

    /// <summary>The ids of the rules this one outranks: where both find the same operations, only this one reports.</summary>
    internal virtual ImmutableArray<string> Outranks => ImmutableArray<string>.Empty;

    /// <summary>True where the finding is a numerics hazard: a loss it flows into makes NG2001 a warning.</summary>
    internal virtual bool IsHazard => false;

    /// <summary>True where the rule's severity depends on the hazards found in the same code.</summary>
    internal virtual bool WeighsHazards => false;

    /// <summary>What the rule listens to.</summary>
    internal Listens Listens => _listens ??= Listen(new Listens());

    /// <inheritdoc />
    public sealed override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics =>
        _supported.IsDefault ? _supported = ImmutableArray.Create(Descriptor) : _supported;

    internal sealed override ImmutableArray<Rule> Reported => ImmutableArray.Create(this);

    /// <summary>Declares what the rule listens to.</summary>
    private protected abstract Listens Listen(Listens listens);

    /// <summary>The rule's findings at <paramref name="anchor"/>, an operation it listens to.</summary>
    internal abstract IEnumerable<Match> FindAll(IOperation anchor, Session session);

    /// <summary>The diagnostic for <paramref name="match"/>; <paramref name="findings"/> are the block's other findings.</summary>
    internal abstract Diagnostic Describe(Match match, Session session, Findings findings);
}

/// <summary>A rule whose matcher yields <typeparamref name="TMatch"/>.</summary>
public abstract class Rule<TMatch> : Rule
    where TMatch : Match
{
    private protected Rule()
    {
    }

    /// <summary>The matcher: what the rule finds at <paramref name="anchor"/>, an operation it listens to.</summary>
    internal abstract IEnumerable<TMatch> Find(IOperation anchor, Session session);

    /// <summary>The message's arguments.</summary>
    internal virtual object?[] MessageArguments(TMatch match, Session session) => System.Array.Empty<object?>();

    /// <summary>The diagnostic's properties: values the fix writes that come from options, not from the code.</summary>
    internal virtual ImmutableDictionary<string, string?>? Properties(TMatch match, Session session) => null;

    /// <summary>Other places the finding involves (the step a misplaced clip belongs to).</summary>
    internal virtual IEnumerable<Location> AdditionalLocations(TMatch match) => Enumerable.Empty<Location>();

    /// <summary>Completes the match with what the block's other findings say (NG2001 weighs their hazards).</summary>
    internal virtual void Settle(TMatch match, Session session, Findings findings)
    {
    }

    /// <summary>The severity where it is not the default one.</summary>
    internal virtual DiagnosticSeverity? Severity(TMatch match) => null;

    internal sealed override IEnumerable<Match> FindAll(IOperation anchor, Session session) => Find(anchor, session);

    internal sealed override Diagnostic Describe(Match match, Session session, Findings findings)
    {
        var found = (TMatch)match;
        Settle(found, session, findings);
        var location = found.Reported.Syntax.GetLocation();
        var additional = AdditionalLocations(found);
        var properties = Properties(found, session);
        var arguments = MessageArguments(found, session);
        return Severity(found) is { } severity
            ? Diagnostic.Create(Descriptor, location, severity, additional, properties, arguments)
            : Diagnostic.Create(Descriptor, location, additional, properties, arguments);
    }

    /// <summary>
    /// The match <paramref name="diagnostic"/> reports, found again by the matcher: from each operation the rule
    /// listens to at the reported node or an additional location, inside it (a loss reported on its negation, matched
    /// from its sum) or around it (a where reported on its unsafe branch, a clip on the step it belongs to). Null where
    /// the code no longer holds the finding.
    /// </summary>
    internal TMatch? FindAgain(Diagnostic diagnostic, SemanticModel model, SyntaxNode root, Session session, CancellationToken cancellationToken)
    {
        var span = diagnostic.Location.SourceSpan;
        foreach (var place in new[] { diagnostic.Location }.Concat(diagnostic.AdditionalLocations))
        {
            if (place.SourceTree != model.SyntaxTree || !root.FullSpan.Contains(place.SourceSpan))
                continue;
            var node = root.FindNode(place.SourceSpan, getInnermostNodeForTie: true);
            var candidates = node.AncestorsAndSelf()
                .TakeWhile(n => n is not Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax)
                .Concat(node.DescendantNodes());
            foreach (var candidate in candidates)
            {
                if (model.GetOperation(candidate, cancellationToken) is not { } operation || !Listens.Hears(operation, session))
                    continue;
                foreach (var match in Find(operation, session))
                {
                    if (match.Reported.Syntax.Span == span)
                        return match;
                }
            }
        }
        return null;
    }
}
