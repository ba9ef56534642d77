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
    private readonly Dictionary<string, Rule[]> _byType;
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
        _byType = ordered.SelectMany(rule => rule.Listens.Types.Select(name => (name, rule)))
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
    /// Registers the rules for one compilation: one action per operation block walks the block once, hands each
    /// invocation and TorchSharp operator to the rules listening for its method name or operator kind, and settles and
    /// reports what they found.
    /// </summary>
    /// <remarks>
    /// One block action, not a block-start action with nested operation actions: for those the driver builds a scope,
    /// three delegates and a list of the block's operations per block and dispatches each operation through its
    /// executor, which cost NanGuard as much as its rules' own work on training code.
    /// </remarks>
    public void RegisterWith(CompilationStartAnalysisContext context, Session session)
    {
        var byMethod = _byMethod;
        var byOperator = _byOperator;
        var byType = _byType;
        context.RegisterOperationBlockAction(block =>
        {
            Findings? findings = null;
            foreach (var root in block.OperationBlocks)
            {
                foreach (var operation in OperationTree.AndSelf(root))
                {
                    // By kind first: one virtual call per operation, where testing each interface in turn costs three casts.
                    var rules = operation.Kind switch
                    {
                        OperationKind.Invocation when byMethod.TryGetValue(((IInvocationOperation)operation).TargetMethod.Name, out var named) => named,
                        OperationKind.ObjectCreation when byType.Count > 0 && operation.Type is { } type && byType.TryGetValue(type.Name, out var created) => created,
                        OperationKind.Binary when operation is IBinaryOperation binary && byOperator.TryGetValue(binary.OperatorKind, out var kind)
                            && session.IsOperator(binary.OperatorMethod) => kind,
                        _ => null,
                    };
                    if (rules is not null)
                        Find(rules, operation, session, findings ??= new Findings());
                }
            }
            findings?.Report(this, session, block.ReportDiagnostic);
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
