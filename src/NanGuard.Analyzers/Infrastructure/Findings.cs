using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using NanGuard.Analyzers.Matching;

namespace NanGuard.Analyzers.Infrastructure;

/// <summary>
/// The findings of one operation block (a method, a lambda's enclosing member, an initializer), collected while the
/// block is analyzed and settled at its end: a finding that a rule outranking its own covers is dropped, and what is
/// left is reported. The rules' matchers each run once per operation; no rule runs another rule's matcher.
/// </summary>
internal sealed class Findings
{
    private readonly List<(Rule Rule, Match Match)> _found = new();
    private Dictionary<IOperation, string>? _hazards;

    /// <summary>Adds what <paramref name="rule"/> found at one operation.</summary>
    public void Add(Rule rule, Match match) => _found.Add((rule, match));

    /// <summary>
    /// The id of the first numerics hazard in the computation of <paramref name="value"/> (following locals), or null:
    /// a finding that survived precedence of a rule declared a hazard, in the order the computation is written.
    /// </summary>
    public string? HazardIn(IOperation value, Session session)
    {
        if (_hazards is null || _hazards.Count == 0)
            return null;
        foreach (var operation in OperationTree.AndSelf(ValueFlow.Unwrap(value, session)))
        {
            if (_hazards.TryGetValue(operation, out var id))
                return id;
        }
        return null;
    }

    /// <summary>Settles precedence and reports, through <paramref name="report"/>, the findings of the rules the analyzer reports.</summary>
    public void Report(RuleSet rules, Session session, Action<Diagnostic> report)
    {
        if (_found.Count == 0)
            return;
        var coveredBy = new Dictionary<IOperation, List<(string Id, Match Match)>>();
        foreach (var (rule, match) in _found)
        {
            foreach (var operation in match.Covers)
            {
                if (!coveredBy.TryGetValue(operation, out var ids))
                    coveredBy[operation] = ids = new List<(string, Match)>(1);
                ids.Add((rule.Descriptor.Id, match));
            }
        }

        var kept = new List<(Rule Rule, Match Match)>(_found.Count);
        foreach (var finding in _found)
        {
            if (IsOutranked(finding.Rule, finding.Match, rules, coveredBy))
                continue;
            kept.Add(finding);
            if (finding.Rule.IsHazard)
            {
                _hazards ??= new Dictionary<IOperation, string>();
                foreach (var operation in finding.Match.Covers)
                {
                    if (!_hazards.ContainsKey(operation))
                        _hazards[operation] = finding.Rule.Descriptor.Id;
                }
            }
        }

        // Rules that weigh hazards are described last, when every hazard of the block is known.
        foreach (var late in new[] { false, true })
        {
            foreach (var (rule, match) in kept)
            {
                if (rule.WeighsHazards == late && rules.IsReported(rule))
                    report(rule.Describe(match, session, this));
            }
        }
    }

    // Outranked by a finding of a rule that outranks this one, unless that finding yields to this rule; or yielding
    // itself to a finding that covers the same operations.
    private static bool IsOutranked(Rule rule, Match match, RuleSet rules, Dictionary<IOperation, List<(string Id, Match Match)>> coveredBy)
    {
        var outrankers = rules.OutrankersOf(rule);
        var id = rule.Descriptor.Id;
        foreach (var operation in match.Covers)
        {
            foreach (var other in coveredBy[operation])
            {
                if (outrankers.Contains(other.Id) && !other.Match.YieldsTo.Contains(id) || match.YieldsTo.Contains(other.Id))
                    return true;
            }
        }
        return false;
    }
}
