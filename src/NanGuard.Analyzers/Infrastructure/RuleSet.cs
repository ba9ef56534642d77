using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace NanGuard.Analyzers.Infrastructure;

/// <summary>
/// The rules an analyzer runs, and what is derived from their declarations once: the rules it reports, the ones it
/// must also run for them (those that outrank a reported rule, and the hazards where a reported rule weighs them),
/// who outranks whom, and the dispatch tables by method name and operator kind.
/// </summary>
internal sealed class RuleSet
{
    private readonly ImmutableHashSet<Rule> _reported;
    private readonly Dictionary<Rule, ImmutableHashSet<string>> _outrankers = new();
    private readonly Dictionary<string, Rule[]> _byMethod;
    private readonly Dictionary<BinaryOperatorKind, Rule[]> _byOperator;

    public RuleSet(ImmutableArray<Rule> reported, ImmutableArray<Rule> catalog)
    {
        _reported = reported.ToImmutableHashSet();
        // The catalog's instance of each reported rule is the analyzer's own.
        var all = catalog.Select(rule => reported.FirstOrDefault(r => r.Descriptor.Id == rule.Descriptor.Id) ?? rule).ToImmutableArray();
        var running = new HashSet<Rule>(reported);
        if (reported.Any(rule => rule.WeighsHazards))
            running.UnionWith(all.Where(rule => rule.IsHazard));
        // Closed over "outranks": a rule that outranks a running rule runs too, so that it can silence it.
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var rule in all)
            {
                if (!running.Contains(rule) && running.Any(r => rule.Outranks.Contains(r.Descriptor.Id)))
                    grew |= running.Add(rule);
            }
        }
        var ordered = all.Where(running.Contains).ToImmutableArray();
        foreach (var rule in ordered)
        {
            _outrankers[rule] = all.Where(other => other.Outranks.Contains(rule.Descriptor.Id))
                .Select(other => other.Descriptor.Id)
                .ToImmutableHashSet(StringComparer.Ordinal);
        }
        _byMethod = ordered.SelectMany(rule => rule.Listens.Methods.Select(name => (name, rule)))
            .GroupBy(pair => pair.name, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(pair => pair.rule).ToArray(), StringComparer.Ordinal);
        _byOperator = ordered.SelectMany(rule => rule.Listens.Operators.Select(kind => (kind, rule)))
            .GroupBy(pair => pair.kind)
            .ToDictionary(group => group.Key, group => group.Select(pair => pair.rule).ToArray());
    }

    /// <summary>True where the analyzer reports <paramref name="rule"/>'s findings (not only runs it for another's sake).</summary>
    public bool IsReported(Rule rule) => _reported.Contains(rule);

    /// <summary>The ids of the rules that outrank <paramref name="rule"/>.</summary>
    public ImmutableHashSet<string> OutrankersOf(Rule rule) => _outrankers[rule];

    /// <summary>
    /// Registers the rules for one compilation: each operation block collects its findings, one action per operation
    /// kind dispatching by method name or operator kind, and settles and reports them at the block's end.
    /// </summary>
    public void RegisterWith(CompilationStartAnalysisContext context, Session session)
    {
        var byMethod = _byMethod;
        var byOperator = _byOperator;
        context.RegisterOperationBlockStartAction(block =>
        {
            var findings = new Findings();
            if (byMethod.Count > 0)
            {
                block.RegisterOperationAction(c =>
                {
                    if (byMethod.TryGetValue(((IInvocationOperation)c.Operation).TargetMethod.Name, out var rules))
                        Find(rules, c.Operation, session, findings);
                }, OperationKind.Invocation);
            }
            if (byOperator.Count > 0)
            {
                block.RegisterOperationAction(c =>
                {
                    var binary = (IBinaryOperation)c.Operation;
                    if (byOperator.TryGetValue(binary.OperatorKind, out var rules) && session.IsOperator(binary.OperatorMethod))
                        Find(rules, binary, session, findings);
                }, OperationKind.Binary);
            }
            block.RegisterOperationBlockEndAction(end => findings.Report(this, session, end.ReportDiagnostic));
        });
    }

    private static void Find(Rule[] rules, IOperation operation, Session session, Findings findings)
    {
        foreach (var rule in rules)
        {
            foreach (var match in rule.FindAll(operation, session))
                findings.Add(rule, match);
        }
    }
}
