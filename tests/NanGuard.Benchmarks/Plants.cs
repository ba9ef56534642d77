using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace NanGuard.Benchmarks;

/// <summary>
/// One pattern the corpus plants: a class written by <see cref="Write"/> (deterministic from the random source it is
/// given), and the exact findings it must produce. An entry is planted only while the rule that owns it
/// (<see cref="Rule"/>) is loaded; each id in <see cref="Expected"/> is counted only while a loaded analyzer reports it.
/// </summary>
/// <param name="Rule">The id whose rule the entry exercises; the entry is skipped while no rule reports it.</param>
/// <param name="Name">A short name for the variant, used in the planted class's name.</param>
/// <param name="Expected">The findings one planted copy produces, by id (other rules that also fire on it included).</param>
/// <param name="Write">Writes the planted class, given its name and the random source.</param>
/// <param name="WithoutTorchSharp">True for an entry that is also planted in the corpus without TorchSharp (it uses no TorchSharp).</param>
internal sealed record PlantEntry(
    string Rule,
    string Name,
    ImmutableDictionary<string, int> Expected,
    Func<string, Random, string> Write,
    bool WithoutTorchSharp = false);

/// <summary>
/// The catalog's patterns, as the corpus plants them. To cover a new rule, add its entries here; they start being
/// planted (and counted) as soon as the rule's class is in NanGuard.Analyzers. Where a new rule also fires on another
/// entry's code (by design), add its id to that entry's <c>Expected</c>.
/// </summary>
internal static class Plants
{
    /// <summary>The peer rule of the same shape, from the SDK's NetAnalyzers.</summary>
    public const string PeerRule = "CA2242";

    public static ImmutableArray<PlantEntry> All { get; } = ImmutableArray.Create(
        // First, so that even the smallest corpus (the quick mode's, callgrind's 0.05x) holds the cross-method walks
        // and the newest rules' code.
        // NG2001 and NG2003 across methods: the optimizer is built in one method and stepped in another, so the rules
        // follow it to the call sites of the method that steps it.
        Entry("NG2001", "AcrossMethods", (n, r) => TrainerAcrossMethods(n, r, lr: "1e-3")),
        Entry("NG2003", "AcrossMethods", (n, r) => TrainerAcrossMethods(n, r, lr: "0.05"), also: "NG2001"),
        // NG2004 (and NG2001) in a helper: the loop calls a method whose body back-propagates and steps, so the rules
        // follow the loop's calls and look for the loops that call the method that steps.
        Entry("NG2004", "InHelpers", (n, r) => $$"""
            internal static class {{n}}
            {
                public static void Train(nn.Module<Tensor, Tensor> model, int epochs)
                {
                    var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
                    for (var epoch = 0; epoch < epochs; epoch++)
                        Step(model, optimizer, {{16 << r.Next(0, 4)}});
                }

                private static void Step(nn.Module<Tensor, Tensor> model, torch.optim.Optimizer optimizer, int batch)
                {
                    var loss = F.cross_entropy(model.call(torch.randn(batch, 32)), torch.randint(0, 10, new long[] { batch }));
                    loss.backward();
                    optimizer.step();
                }
            }
            """, also: "NG2001"),
        // NG2006: float16 training with no loss scaling. Adam's default eps (1e-8) on the float16 parameters rounds to 0
        // there, which is NG1020's too.
        Entry("NG2006", "Float16", (n, r) => $$"""
            internal static class {{n}}
            {
                public static void Train(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y)
                {
                    var half = model.half();
                    var optimizer = torch.optim.Adam(half.parameters(), lr: 1e-3);
                    for (var epoch = 0; epoch < {{r.Next(2, 20)}}; epoch++)
                    {
                        optimizer.zero_grad();
                        var loss = F.mse_loss(half.call(x.half()), y.half());
                        loss.backward();
                        var norm = torch.nn.utils.clip_grad_norm_(half.parameters(), 1.0);
                        if (double.IsFinite(norm))
                            optimizer.step();
                    }
                }
            }
            """, also: "NG1020"),
        // NG3004: a model given a forward hook, then run through forward().
        Entry("NG3004", "HookedForward", (n, r) => $$"""
            internal static class {{n}}
            {
                public static Tensor Predict(Tensor x)
                {
                    var model = nn.Linear({{r.Next(2, 64)}}, 4);
                    model.register_forward_hook((module, input, output) => output);
                    return model.forward(x);
                }
            }
            """),
        // NG1001: log of a softmax, in its spellings.
        Entry("NG1001", "StaticLog", (n, r) => LossClass(n, "F.nll_loss(torch.log(F.softmax(logits, 1)), labels)")),
        Entry("NG1001", "InstanceLog", (n, r) => LossClass(n, "F.nll_loss(logits.softmax(1).log(), labels)")),
        Entry("NG1001", "TorchSoftmax", (n, r) => LossClass(n, "F.nll_loss(torch.log(torch.softmax(logits, 1)), labels)")),
        Entry("NG1001", "ThroughLocal", (n, r) => $$"""
            internal static class {{n}}
            {
                public static Tensor Loss(Tensor logits, Tensor labels)
                {
                    var probabilities = F.softmax(logits, 1);
                    var logProbabilities = torch.log(probabilities);
                    return F.nll_loss(logProbabilities, labels);
                }
            }
            """),
        // NG1002: hand-written cross entropy.
        Entry("NG1002", "SumOfLogSoftmax", (n, r) => TargetLossClass(n, "-(targets * torch.log(F.softmax(logits, 1))).sum()")),
        Entry("NG1002", "MeanOverBatch", (n, r) => TargetLossClass(n, "-(targets * F.log_softmax(logits, 1)).sum(1).mean()")),
        Entry("NG1002", "OneHot", (n, r) => $$"""
            internal static class {{n}}
            {
                public static Tensor Loss(Tensor logits, Tensor labels)
                {
                    var targets = F.one_hot(labels, {{r.Next(2, 100)}});
                    return -(targets * torch.log(F.softmax(logits, 1))).sum();
                }
            }
            """),
        // NG2001: a training loop with no clipping between backward() and step().
        Entry("NG2001", "Unclipped", (n, r) => TrainerClass(n, r, clipping: "", lr: "1e-3")),
        // Entries for rules being written: planted (and counted) once their rule class exists.
        Entry("NG1003", "LogSigmoid", (n, r) => ScoreClass(n, "torch.log(torch.sigmoid(x))")),
        Entry("NG1004", "BceOnSigmoid", (n, r) => TargetLossClass(n, "F.binary_cross_entropy(torch.sigmoid(logits), targets)")),
        Entry("NG1005", "LogSumExp", (n, r) => ScoreClass(n, "torch.log(torch.exp(x).sum(1))")),
        Entry("NG1006", "HandSoftmax", (n, r) => ScoreClass(n, "torch.exp(x) / torch.exp(x).sum(1, keepdim: true)")),
        Entry("NG1007", "Softplus", (n, r) => ScoreClass(n, "torch.log(1 + torch.exp(x))")),
        Entry("NG1008", "Log1p", (n, r) => ScoreClass(n, "torch.log(1 + x)")),
        Entry("NG1009", "Entropy", (n, r) => ScoreClass(n, "(x * torch.log(x)).sum(1)")),
        Entry("NG1010", "SqrtOfSquares", (n, r) => ScoreClass(n, "torch.sqrt((x * x).sum(1))")),
        Entry("NG1011", "DivideByNorm", (n, r) => ScoreClass(n, "x / x.norm(1, true)")),
        Entry("NG1012", "Standardise", (n, r) => ScoreClass(n, "(x - x.mean()) / x.std()")),
        Entry("NG1013", "DivideByMaskSum", (n, r) => ScoreClass(n, "x.sum() / (x > 0).sum()")),
        Entry("NG1014", "LogOfRelu", (n, r) => ScoreClass(n, "torch.log(F.relu(x))")),
        Entry("NG1015", "WhereLog", (n, r) => ScoreClass(n, "torch.where(x > 0, torch.log(x), torch.zeros_like(x))")),
        Entry("NG2002", "NormIgnored", (n, r) => TrainerClass(n, r, clipping: "torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);", lr: "1e-3")),
        Entry("NG2003", "HighLearningRate", (n, r) => TrainerClass(n, r, clipping: "", lr: "0.05"), also: "NG2001"),
        Entry("NG2005", "ClipAfterStep", (n, r) => TrainerClass(n, r, clipping: "", lr: "1e-3", clipAfterStep: true)),
        Entry("NG3001", "StaticClampInPlace", (n, r) => $$"""
            internal static class {{n}}
            {
                public static Tensor Floor(Tensor x)
                {
                    torch.clamp_min_(x, 1e-6);
                    return x;
                }
            }
            """),
        Entry("NG3002", "EqualsNaN", (n, r) => ScoreClass(n, "x.eq(float.NaN)")),
        // The peer rule: a NaN comparison on plain doubles, in both corpora.
        new PlantEntry(PeerRule, "CompareToNaN", Counts(PeerRule), (n, r) => $$"""
            internal static class {{n}}
            {
                public static bool IsMissing(double value) => value == double.NaN;
            }
            """, WithoutTorchSharp: true));

    private static PlantEntry Entry(string rule, string name, Func<string, Random, string> write, string? also = null) =>
        new(rule, name, also is null ? Counts(rule) : Counts(rule, also), write);

    private static ImmutableDictionary<string, int> Counts(params string[] ids) =>
        ids.GroupBy(id => id).ToImmutableDictionary(g => g.Key, g => g.Count());

    private static string LossClass(string name, string expression) => $$"""
        internal static class {{name}}
        {
            public static Tensor Loss(Tensor logits, Tensor labels) => {{expression}};
        }
        """;

    private static string TargetLossClass(string name, string expression) => $$"""
        internal static class {{name}}
        {
            public static Tensor Loss(Tensor logits, Tensor targets) => {{expression}};
        }
        """;

    private static string ScoreClass(string name, string expression) => $$"""
        internal static class {{name}}
        {
            public static Tensor Score(Tensor x) => {{expression}};
        }
        """;

    private static string TrainerAcrossMethods(string name, Random random, string lr) => $$"""
        internal static class {{name}}
        {
            public static void Train(nn.Module<Tensor, Tensor> model, int epochs)
            {
                var optimizer = torch.optim.Adam(model.parameters(), lr: {{lr}});
                Fit(model, optimizer, epochs, {{16 << random.Next(0, 4)}});
            }

            private static void Fit(nn.Module<Tensor, Tensor> model, torch.optim.Optimizer optimizer, int epochs, int batch)
            {
                for (var epoch = 0; epoch < epochs; epoch++)
                {
                    optimizer.zero_grad();
                    var loss = F.cross_entropy(model.call(torch.randn(batch, 32)), torch.randint(0, 10, new long[] { batch }));
                    loss.backward();
                    optimizer.step();
                }
            }
        }
        """;

    private static string TrainerClass(string name, Random random, string clipping, string lr, bool clipAfterStep = false)
    {
        var batch = 16 << random.Next(0, 4);
        var features = 32 * random.Next(1, 9);
        var afterStep = clipAfterStep ? "torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);" : "";
        return $$"""
            internal static class {{name}}
            {
                public static void Train(nn.Module<Tensor, Tensor> model, int epochs)
                {
                    var optimizer = torch.optim.Adam(model.parameters(), lr: {{lr}});
                    for (var epoch = 0; epoch < epochs; epoch++)
                    {
                        var inputs = torch.randn({{batch}}, {{features}});
                        var labels = torch.randint(0, 10, new long[] { {{batch}} });
                        optimizer.zero_grad();
                        var loss = F.cross_entropy(model.call(inputs), labels);
                        loss.backward();
                        {{clipping}}
                        optimizer.step();
                        {{afterStep}}
                    }
                }
            }
            """;
    }
}
