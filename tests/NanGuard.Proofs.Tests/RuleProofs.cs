using System;
using System.Linq;
using System.Threading.Tasks;
using NanGuard.Analyzers;
using NanGuard.Analyzers.Rules;
using NanGuard.CodeFixes.Rules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NanGuard.Proofs.Tests;

/// <summary>
/// The executable proof of every rule whose page says the code yields NaN or Inf (NG1001-NG1018, NG3001, NG3002). Each
/// proof compiles the rule's flagged snippet and the output of the rule's own fix, runs both on libtorch (float32) and
/// checks (a) at the hazard input the page names, that the original's value or gradient is not finite (or, for NG1008,
/// NG3002 and binary_cross_entropy's clamped form of NG1004, wrong as the page says) and the fixed code's are finite;
/// (b) at seeded ordinary inputs, that the two agree in value and gradient within <see cref="Values.Relative"/> and
/// <see cref="Values.Absolute"/> (float32 rounding: relative 1e-5, absolute 1e-6), or bit for bit where the fix does not
/// touch the arithmetic of ordinary values. The figures the hazard asserts are the ones each page's "Why it yields NaN"
/// states.
/// </summary>
/// <remarks>
/// Where the fix does not remove the whole hazard, the proof asserts what it does and what the page says of the rest:
/// NG1009's xlogy keeps a NaN gradient at p = 0 (the page's note), and NG1012's <c>std + eps</c> leaves a finite
/// gradient of the order of 1 / eps at a constant input.
/// </remarks>
public sealed class RuleProofs
{
    private const float Inf = float.PositiveInfinity;

    [Fact]
    public async Task NG1001_log_of_softmax()
    {
        var proof = await Proof.CreateAsync(new LogOfSoftmaxAnalyzer(), new LogOfSoftmaxCodeFix(),
            DiagnosticIds.LogOfSoftmax, LogOfSoftmaxCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => torch.log(F.softmax(x, 1));
            }
            """);
        using var scope = torch.NewDisposeScope();

        // A gap of 103 still leaves the denormal 1.4e-45; at 104 the probability underflows to 0 and log gives -inf
        // (its backward, 1 / p, is inf in both rows, and the softmax backward's 0 * inf is NaN).
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(new[,] { { 0f, 103f }, { 0f, 104f } }) });
        Values.AssertNear(Math.Log(1.401298464324817E-45), original.Value[0], "log(softmax([0, 103]))[0]");
        Assert.Equal(double.NegativeInfinity, original.Value[2]);
        Assert.Contains(original.Gradient.Take(2), double.IsNaN);
        Assert.Contains(original.Gradient.Skip(2), double.IsNaN);
        @fixed.AssertFinite("log_softmax at [0, 103], [0, 104]");
        Assert.Equal(new[] { -103.0, 0, -104, 0 }, @fixed.Value);

        proof.AssertAgree(new[] { Inputs.Randn(1, 3, 4, 5) }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1002_hand_written_cross_entropy()
    {
        var proof = await Proof.CreateAsync(new HandWrittenCrossEntropyAnalyzer(), new HandWrittenCrossEntropyCodeFix(),
            DiagnosticIds.HandWrittenCrossEntropy, HandWrittenCrossEntropyCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor logits, Tensor targets) => -(targets * torch.log(F.softmax(logits, 1))).sum();
            }
            """);
        using var scope = torch.NewDisposeScope();

        // The class of probability 0 has a target of 0: 0 * log(0) = 0 * -inf = NaN in the forward pass.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(new[,] { { 0f, 200f } }), Inputs.Of(new[,] { { 0f, 1f } }) });
        Assert.True(double.IsNaN(original.Value.Single()));
        Assert.True(original.GradientHasNaN);
        @fixed.AssertFinite("cross_entropy at logits [0, 200], target [0, 1]");
        Values.AssertNear(0, @fixed.Value.Single(), "cross_entropy at logits [0, 200], target [0, 1]");

        var targets = F.softmax(Inputs.Randn(3, 1, 4, 5), 1);
        proof.AssertAgree(new[] { Inputs.Randn(2, 3, 4, 5), targets }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1003_log_of_sigmoid()
    {
        var proof = await Proof.CreateAsync(new LogOfSigmoidAnalyzer(), new LogOfSigmoidCodeFix(),
            DiagnosticIds.LogOfSigmoid, LogOfSigmoidCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => torch.log(torch.sigmoid(x));
            }
            """);
        using var scope = torch.NewDisposeScope();

        // sigmoid(-88) is still 6e-39; from -89 on it is exactly 0 in float32: log gives -inf, the backward inf * 0 = NaN.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(-88f, -89f, -200f) });
        Values.AssertNear(-88, original.Value[0], "log(sigmoid(-88))");
        Assert.Equal(new[] { double.NegativeInfinity, double.NegativeInfinity }, original.Value.Skip(1));
        Assert.True(original.GradientHasNaN);
        @fixed.AssertFinite("logsigmoid at [-88, -89, -200]");
        Assert.Equal(new[] { -88.0, -89, -200 }, @fixed.Value);

        proof.AssertAgree(new[] { Inputs.Randn(4, 5, 32) }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1004_hand_written_binary_cross_entropy()
    {
        var proof = await Proof.CreateAsync(new BinaryCrossEntropyOnProbabilitiesAnalyzer(), new BinaryCrossEntropyOnProbabilitiesCodeFix(),
            DiagnosticIds.BinaryCrossEntropyOnProbabilities, BinaryCrossEntropyOnProbabilitiesCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor logits, Tensor targets) =>
                    -(targets * torch.log(torch.sigmoid(logits)) + (1 - targets) * torch.log(1 - torch.sigmoid(logits))).mean();
            }
            """);
        using var scope = torch.NewDisposeScope();

        // sigmoid(20) is exactly 1 in float32: (1 - 1) * log(1 - 1) = 0 * -inf = NaN.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(20f), Inputs.Of(1f) });
        Assert.True(double.IsNaN(original.Value.Single()));
        Assert.True(original.GradientHasNaN);
        @fixed.AssertFinite("binary_cross_entropy_with_logits at logit 20, target 1");
        Values.AssertNear(2.0611537e-9, @fixed.Value.Single(), "binary_cross_entropy_with_logits at logit 20, target 1");

        proof.AssertAgree(new[] { Inputs.Randn(5, 3, 32), Inputs.Uniform(6, 0, 1, 32) }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1004_binary_cross_entropy_on_sigmoid_probabilities()
    {
        var proof = await Proof.CreateAsync(new BinaryCrossEntropyOnProbabilitiesAnalyzer(), new BinaryCrossEntropyOnProbabilitiesCodeFix(),
            DiagnosticIds.BinaryCrossEntropyOnProbabilities, BinaryCrossEntropyOnProbabilitiesCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor logits, Tensor targets) => F.binary_cross_entropy(torch.sigmoid(logits), targets);
            }
            """);
        using var scope = torch.NewDisposeScope();

        // No NaN here, a wrong loss: binary_cross_entropy clamps log(sigmoid(-200)) = log(0) at -100, so a confidently
        // wrong prediction costs 100 instead of 200 and gets no gradient at all; with logits it costs 200, gradient -1.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(-200f), Inputs.Of(1f) }, new[] { true, false });
        Assert.Equal(100.0, original.Value.Single());
        Assert.Equal(0.0, original.Gradient.Single());
        @fixed.AssertFinite("binary_cross_entropy_with_logits at logit -200, target 1");
        Assert.Equal(200.0, @fixed.Value.Single());
        Values.AssertNear(-1, @fixed.Gradient.Single() / Weight(0), "the gradient of binary_cross_entropy_with_logits at -200");

        proof.AssertAgree(new[] { Inputs.Randn(5, 3, 32), Inputs.Uniform(6, 0, 1, 32) }, Values.Relative, Values.Absolute, new[] { true, false });
    }

    [Fact]
    public async Task NG1005_log_of_sum_of_exponentials()
    {
        var proof = await Proof.CreateAsync(new LogSumExpAnalyzer(), new LogSumExpCodeFix(),
            DiagnosticIds.LogSumExp, LogSumExpCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => torch.log(torch.exp(x).sum(1));
            }
            """);
        using var scope = torch.NewDisposeScope();

        // exp(100) overflows to inf in float32: the log is inf, the backward inf / inf = NaN.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(new[,] { { 100f, 0f } }) });
        Assert.Equal(double.PositiveInfinity, original.Value.Single());
        Assert.True(original.GradientHasNaN);
        @fixed.AssertFinite("logsumexp([100, 0])");
        Assert.Equal(100.0, @fixed.Value.Single());

        proof.AssertAgree(new[] { Inputs.Randn(7, 3, 4, 5) }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1006_hand_written_softmax()
    {
        var proof = await Proof.CreateAsync(new HandWrittenSoftmaxAnalyzer(), new HandWrittenSoftmaxCodeFix(),
            DiagnosticIds.HandWrittenSoftmax, HandWrittenSoftmaxCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => torch.exp(x) / torch.exp(x).sum(1, keepdim: true);
            }
            """);
        using var scope = torch.NewDisposeScope();

        // exp(100) is inf in float32: the row divides inf by inf.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(new[,] { { 100f, 0f } }) });
        Assert.True(double.IsNaN(original.Value[0]));
        Assert.True(original.GradientHasNaN);
        @fixed.AssertFinite("softmax([100, 0])");
        Assert.Equal(1.0, @fixed.Value[0]);
        Assert.InRange(@fixed.Value[1], 3.7e-44, 3.8e-44);

        proof.AssertAgree(new[] { Inputs.Randn(8, 3, 4, 5) }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1007_hand_written_softplus()
    {
        var proof = await Proof.CreateAsync(new HandWrittenSoftplusAnalyzer(), new HandWrittenSoftplusCodeFix(),
            DiagnosticIds.HandWrittenSoftplus, HandWrittenSoftplusCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => torch.log(1 + torch.exp(x));
            }
            """);
        using var scope = torch.NewDisposeScope();

        // exp(88.7) is still 3.3e38; exp(88.8) is inf: the value is inf (its true value is 88.8), the backward 0 * inf = NaN.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(88.7f, 88.8f) });
        Values.AssertNear(88.7f, original.Value[0], "log(1 + exp(88.7))");
        Assert.Equal(double.PositiveInfinity, original.Value[1]);
        Assert.True(double.IsNaN(original.Gradient[1]));
        @fixed.AssertFinite("softplus at [88.7, 88.8]");
        Assert.Equal(new double[] { 88.7f, 88.8f }, @fixed.Value);

        // Ordinary values on both sides of softplus' threshold of 20, where it turns linear.
        var x = torch.cat(new[] { Inputs.Randn(9, 5, 32), Inputs.Of(-30f, -19.5f, 19.5f, 20.5f, 30f, 60f) });
        proof.AssertAgree(new[] { x }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1008_log_of_one_plus_x()
    {
        var proof = await Proof.CreateAsync(new Log1pExpm1Analyzer(), new Log1pExpm1CodeFix(),
            DiagnosticIds.Log1pExpm1, Log1pExpm1CodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => torch.log(1 + x);
            }
            """);
        using var scope = torch.NewDisposeScope();

        // A precision rule: 1 + 1e-8 rounds to 1 in float32, so the log is 0 instead of 1e-8.
        var x = Inputs.Of(1e-8f);
        var exact = (double)1e-8f - (double)1e-8f * 1e-8f / 2;
        var (original, @fixed) = proof.Run(new[] { x });
        Assert.Equal(0.0, original.Value.Single());
        @fixed.AssertFinite("log1p(1e-8)");
        Values.AssertNear(exact, @fixed.Value.Single(), "log1p(1e-8)");
        // Where 1 + x rounds to 1: below half float32's epsilon (6e-8), and below 3e-8 for a negative x.
        (original, _) = proof.Run(new[] { Inputs.Of(5e-8f, -2.9e-8f, 6.5e-8f, -3.1e-8f) });
        Assert.Equal(new[] { 0.0, 0 }, original.Value.Take(2));
        Assert.DoesNotContain(0.0, original.Value.Skip(2));

        proof.AssertAgree(new[] { Inputs.Uniform(10, 0.01, 3, 32) }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1008_exp_minus_one()
    {
        var proof = await Proof.CreateAsync(new Log1pExpm1Analyzer(), new Log1pExpm1CodeFix(),
            DiagnosticIds.Log1pExpm1, Log1pExpm1CodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => torch.exp(x) - 1;
            }
            """);
        using var scope = torch.NewDisposeScope();

        // exp(1e-8) rounds to 1 in float32, so exp(x) - 1 is 0 instead of 1e-8.
        var exact = (double)1e-8f + (double)1e-8f * 1e-8f / 2;
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(1e-8f) });
        Assert.Equal(0.0, original.Value.Single());
        @fixed.AssertFinite("expm1(1e-8)");
        Values.AssertNear(exact, @fixed.Value.Single(), "expm1(1e-8)");

        proof.AssertAgree(new[] { Inputs.Uniform(11, -3, 3, 32) }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1009_entropy_term()
    {
        var proof = await Proof.CreateAsync(new XLogYAnalyzer(), new XLogYCodeFix(),
            DiagnosticIds.XLogY, XLogYCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor p) => -(p * torch.log(p)).sum(1);
            }
            """);
        using var scope = torch.NewDisposeScope();

        // p = 0: 0 * log(0) = 0 * -inf = NaN in the forward pass; xlogy gives 0 there, so the entropy is ln 2.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(new[,] { { 0f, 0.5f, 0.5f } }) });
        Assert.True(double.IsNaN(original.Value.Single()));
        Assert.True(original.GradientHasNaN);
        Assert.True(double.IsFinite(@fixed.Value.Single()));
        Values.AssertNear(Math.Log(2), @fixed.Value.Single(), "the entropy of [0, 0.5, 0.5] by xlogy");
        // As the page says, xlogy fixes the forward value only: its gradient at p = 0 is still 0 / 0.
        Assert.True(@fixed.GradientHasNaN);

        proof.AssertAgree(new[] { F.softmax(Inputs.Randn(12, 2, 4, 5), 1) }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1010_sqrt_of_sum_of_squares()
    {
        var proof = await Proof.CreateAsync(new SqrtOfSumOfSquaresAnalyzer(), new SqrtOfSumOfSquaresCodeFix(),
            DiagnosticIds.SqrtOfSumOfSquares, SqrtOfSumOfSquaresCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => x.pow(2).sum(1).sqrt();
            }
            """);
        using var scope = torch.NewDisposeScope();

        // An all-zero row: the value is 0 either way, but sqrt's backward is inf there and 0 * inf = NaN.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(new[,] { { 0f, 0f, 0f }, { 3f, 4f, 0f } }) });
        Assert.Equal(new[] { 0.0, 5 }, original.Value);
        Assert.True(original.GradientHasNaN);
        @fixed.AssertFinite("the norm of [[0, 0, 0], [3, 4, 0]]");
        Assert.Equal(new[] { 0.0, 0, 0 }, @fixed.Gradient.Take(3));

        proof.AssertAgree(new[] { Inputs.Randn(13, 1, 4, 5) }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1011_division_by_norm()
    {
        var proof = await Proof.CreateAsync(new DivisionByNormAnalyzer(), new DivisionByNormCodeFix(),
            DiagnosticIds.DivisionByNorm, DivisionByNormCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => x / x.norm(1, keepdim: true);
            }
            """);
        using var scope = torch.NewDisposeScope();

        // An all-zero row: 0 / 0 = NaN; normalize divides by max(norm, 1e-12) and gives 0.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(new[,] { { 0f, 0f, 0f }, { 3f, 4f, 0f } }) });
        Assert.True(original.Value.Take(3).All(double.IsNaN));
        Assert.True(original.GradientHasNaN);
        @fixed.AssertFinite("normalize([[0, 0, 0], [3, 4, 0]])");
        Assert.Equal(new[] { 0.0, 0, 0 }, @fixed.Value.Take(3));

        // Norms far above normalize's eps of 1e-12: the value is kept.
        proof.AssertAgree(new[] { Inputs.Randn(14, 1, 4, 5) }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1012_standardization_without_eps()
    {
        var proof = await Proof.CreateAsync(new StandardizationWithoutEpsAnalyzer(), new StandardizationWithoutEpsCodeFix(),
            DiagnosticIds.StandardizationWithoutEps, StandardizationWithoutEpsCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => (x - x.mean()) / x.std();
            }
            """);
        using var scope = torch.NewDisposeScope();

        // A constant input: its std is 0, and (x - mean) / std = 0 / 0 = NaN.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(2f, 2f, 2f, 2f) });
        Assert.True(original.Value.All(double.IsNaN));
        Assert.True(original.GradientHasNaN);
        @fixed.AssertFinite("(x - mean) / (std + 1e-8) at a constant x");
        Assert.Equal(new[] { 0.0, 0, 0, 0 }, @fixed.Value);
        // Finite, but of the order of 1 / eps: the backward of (x - mean) / (std + eps) divides by eps.
        Assert.InRange(@fixed.Gradient.Max(Math.Abs), 1e7, 1e8);

        // The page's bound: a relative change of eps / std, here about 1e-8, below float32's rounding.
        proof.AssertAgree(new[] { Inputs.Randn(15, 1, 16) }, Values.Relative, Values.Absolute);
    }

    [Fact]
    public async Task NG1013_division_by_zeroable_sum()
    {
        var proof = await Proof.CreateAsync(new DivisionByZeroableSumAnalyzer(), new DivisionByZeroableSumCodeFix(),
            DiagnosticIds.DivisionByZeroableSum, DivisionByZeroableSumCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x, Tensor mask) => (x * mask).sum() / mask.sum();
            }
            """);
        using var scope = torch.NewDisposeScope();

        // An empty mask: 0 / 0 = NaN; clamped to 1, the count gives the masked sum, 0.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(1f, 2f, 3f), Inputs.Of(0f, 0f, 0f) });
        Assert.True(double.IsNaN(original.Value.Single()));
        Assert.True(original.GradientHasNaN);
        @fixed.AssertFinite("the masked mean of an empty mask, clamped");
        Assert.Equal(0.0, @fixed.Value.Single());

        // A mask with ones in it: a count of whole numbers is never below 1, so the clamp changes nothing at all.
        proof.AssertAgree(new[] { Inputs.Randn(16, 1, 8), Inputs.Of(1f, 0f, 1f, 1f, 0f, 0f, 1f, 0f) }, relative: 0, absolute: 0);
    }

    [Fact]
    public async Task NG1014_log_of_relu()
    {
        var proof = await Proof.CreateAsync(new LogOfZeroableAnalyzer(), new LogOfZeroableCodeFix(),
            DiagnosticIds.LogOfZeroable, LogOfZeroableCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => torch.log(F.relu(x));
            }
            """);
        using var scope = torch.NewDisposeScope();

        // relu is 0 at x <= 0: log(0) = -inf; clamped to 1e-8, the log is ln(1e-8) = -18.42.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(-1f, 0f, 2f) });
        Assert.Equal(new[] { double.NegativeInfinity, double.NegativeInfinity }, original.Value.Take(2));
        // relu's backward selects (0 where x <= 0) rather than multiplying by the log's inf: the gradient is 0 there.
        Assert.Equal(new[] { 0.0, 0 }, original.Gradient.Take(2));
        @fixed.AssertFinite("log(relu(x).clamp_min(1e-8)) at [-1, 0, 2]");
        Values.AssertNear(Math.Log(1e-8f), @fixed.Value[0], "log of the clamp");
        Assert.Equal(new[] { 0.0, 0 }, @fixed.Gradient.Take(2));

        // Inputs above eps: the clamp changes nothing at all.
        proof.AssertAgree(new[] { Inputs.Uniform(17, 0.01, 3, 32) }, relative: 0, absolute: 0);
    }

    [Fact]
    public async Task NG1014_log_of_abs()
    {
        var proof = await Proof.CreateAsync(new LogOfZeroableAnalyzer(), new LogOfZeroableCodeFix(),
            DiagnosticIds.LogOfZeroable, LogOfZeroableCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => torch.log(x.abs());
            }
            """);
        using var scope = torch.NewDisposeScope();

        // abs(0) = 0: log gives -inf, its backward 1 / 0 = inf, and abs' backward inf * sign(0) = inf * 0 = NaN.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(0f, -2f) });
        Assert.Equal(double.NegativeInfinity, original.Value[0]);
        Assert.True(double.IsNaN(original.Gradient[0]));
        @fixed.AssertFinite("log(abs(x).clamp_min(1e-8)) at [0, -2]");
        Values.AssertNear(Math.Log(1e-8f), @fixed.Value[0], "log of the clamp");
        Assert.Equal(0.0, @fixed.Gradient[0]);

        // Inputs of magnitude above eps: the clamp changes nothing at all.
        proof.AssertAgree(new[] { Inputs.Uniform(22, 0.01, 3, 32) * Inputs.Randn(23, 1, 32).sign() }, relative: 0, absolute: 0);
    }

    [Fact]
    public async Task NG1014_log_of_a_difference()
    {
        var proof = await Proof.CreateAsync(new LogOfZeroableAnalyzer(), new LogOfZeroableCodeFix(),
            DiagnosticIds.LogOfZeroable, LogOfZeroableCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x)
                {
                    var c = torch.cos(x);
                    return torch.log(1 - c * c);
                }
            }
            """);
        using var scope = torch.NewDisposeScope();

        // x = 0: cos is exactly 1, 1 - c * c = 0 and log gives -inf; its backward 1 / 0 = inf meets sin(0) = 0: NaN.
        // Clamped to 1e-8, the log is ln(1e-8) = -18.42 with a gradient of 0 there.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(0f, 1f) });
        Assert.Equal(double.NegativeInfinity, original.Value[0]);
        Assert.True(double.IsNaN(original.Gradient[0]));
        @fixed.AssertFinite("log((1 - c * c).clamp_min(1e-8)) at [0, 1]");
        Values.AssertNear(Math.Log(1e-8f), @fixed.Value[0], "log of the clamp");
        Assert.Equal(0.0, @fixed.Gradient[0]);

        // Angles away from multiples of pi: 1 - cos^2 is above eps and the clamp changes nothing at all.
        proof.AssertAgree(new[] { Inputs.Uniform(31, 0.1, 3, 32) }, relative: 0, absolute: 0);
    }

    [Fact]
    public async Task NG1014_log_of_a_sum_across_softmax_rows()
    {
        var proof = await Proof.CreateAsync(new LogOfZeroableAnalyzer(), new LogOfZeroableCodeFix(),
            DiagnosticIds.LogOfZeroable, LogOfZeroableCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => torch.log(F.softmax(x, -1).sum(-2));
            }
            """);
        using var scope = torch.NewDisposeScope();

        // Two steps whose second class is 200 below the first: each softmax row is [1, 0] (the 0 an underflow), the sum
        // over the steps is [2, 0], and log gives -inf for the class no step holds. Its backward 1 / 0 = inf meets the
        // softmax's backward, p * (g - sum(p * g)) with 0 * inf in the sum: NaN. Clamped, the log is ln(1e-8) = -18.42.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(0f, -200f, 0f, -200f).reshape(2, 2) });
        Values.AssertNear(Math.Log(2), original.Value[0], "log of the class every step holds");
        Assert.Equal(double.NegativeInfinity, original.Value[1]);
        Assert.True(original.GradientHasNaN, "gradient: " + Values.Show(original.Gradient));
        @fixed.AssertFinite("log(softmax(x, -1).sum(-2).clamp_min(1e-8)) at [[0, -200], [0, -200]]");
        Values.AssertNear(Math.Log(1e-8f), @fixed.Value[1], "log of the clamp");

        // Ordinary logits: every sum is far above eps and the clamp changes nothing at all.
        proof.AssertAgree(new[] { Inputs.Randn(41, 1, 4, 3, 5) }, relative: 0, absolute: 0);
    }

    [Fact]
    public async Task NG1014_acos_of_cosine_similarity()
    {
        var proof = await Proof.CreateAsync(new LogOfZeroableAnalyzer(), new LogOfZeroableCodeFix(),
            DiagnosticIds.LogOfZeroable, LogOfZeroableCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor a, Tensor b) => torch.acos(F.cosine_similarity(a, b, 1));
            }
            """);
        using var scope = torch.NewDisposeScope();

        // A vector compared with itself: the cosine is exactly 1, acos(1) = 0, but acos' derivative is -1 / sqrt(0).
        var a = Inputs.Of(new[,] { { 3f, 4f, 0f } });
        var (original, @fixed) = proof.Run(new[] { a, a });
        Assert.Equal(0.0, original.Value.Single());
        Assert.True(original.GradientHasNaN);
        @fixed.AssertFinite("acos of the cosine clamped to 1 - 1e-7");
        Assert.All(@fixed.Gradients.SelectMany(g => g), g => Assert.Equal(0.0, g));
        // The value changes by no more than acos(1 - 1e-7) (float32: 1 - 1.19e-7): about 4.9e-4.
        Assert.InRange(@fixed.Value.Single(), 0, 5e-4);

        // Random vectors, far from parallel: the clamp changes nothing at all.
        proof.AssertAgree(new[] { Inputs.Randn(24, 1, 4, 5), Inputs.Randn(25, 1, 4, 5) }, relative: 0, absolute: 0);
    }

    [Fact]
    public async Task NG1015_unsafe_op_under_where()
    {
        var proof = await Proof.CreateAsync(new UnsafeWhereAnalyzer(), new UnsafeWhereCodeFix(),
            DiagnosticIds.UnsafeWhere, UnsafeWhereCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => torch.where(x > 0, torch.log(x), torch.zeros_like(x));
            }
            """);
        using var scope = torch.NewDisposeScope();

        // x = 0: the where keeps 0, but log's backward is 1 / 0 = inf and the discarded branch's 0 * inf = NaN.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(0f, 1f) });
        Assert.Equal(new[] { 0.0, 0 }, original.Value);
        Assert.True(double.IsNaN(original.Gradient[0]));
        @fixed.AssertFinite("the double where at [0, 1]");
        Assert.Equal(0.0, @fixed.Gradient[0]);

        // Where the input requires no grad (data), nothing is differentiated: the where alone is finite.
        var (data, _) = proof.Run(new[] { Inputs.Of(0f, 1f) }, grad: new[] { false });
        data.AssertFinite("the where on data at [0, 1]");
        Assert.Equal(new[] { 0.0, 0 }, data.Value);
        Assert.Empty(data.Gradient);

        // Both signs: the forward value is exactly the same, and so is the gradient.
        proof.AssertAgree(new[] { Inputs.Randn(18, 2, 32) }, relative: 0, absolute: 0);
    }

    [Fact]
    public async Task NG3001_static_clamp_min_is_not_in_place()
    {
        var proof = await Proof.CreateAsync(new StaticClampNotInPlaceAnalyzer(), new StaticClampNotInPlaceCodeFix(),
            DiagnosticIds.StaticClampNotInPlace, StaticClampNotInPlaceCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor numerator, Tensor denominator)
                {
                    torch.clamp_min_(denominator, 1e-8);
                    return numerator / denominator;
                }
            }
            """);
        using var scope = torch.NewDisposeScope();
        // The denominator is clamped in place by the fix: a leaf that requires a gradient cannot be.
        var grad = new[] { true, false };

        // The static clamp leaves the zeros in the denominator: 1 / 0 = inf, 0 / 0 = NaN.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(1f, 0f, 2f), Inputs.Of(0f, 0f, 4f) }, grad);
        Assert.Equal(double.PositiveInfinity, original.Value[0]);
        Assert.True(double.IsNaN(original.Value[1]));
        Assert.True(original.GradientHasNonFinite);
        @fixed.AssertFinite("numerator / denominator clamped in place");
        Values.AssertNear(1e8, @fixed.Value[0], "1 / 1e-8");
        Assert.Equal(new[] { 0.0, 0.5 }, @fixed.Value.Skip(1));

        proof.AssertAgree(new[] { Inputs.Randn(19, 1, 8), Inputs.Uniform(20, 0.5, 2, 8) }, relative: 0, absolute: 0, grad);
    }

    [Fact]
    public async Task NG3002_comparison_with_NaN()
    {
        var proof = await Proof.CreateAsync(new CompareWithNaNAnalyzer(), new CompareWithNaNCodeFix(),
            DiagnosticIds.CompareWithNaN, CompareWithNaNCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => x == double.NaN;
            }
            """);
        using var scope = torch.NewDisposeScope();

        // x == NaN is false everywhere, even where x is NaN: the check never finds it; isnan does.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(1f, float.NaN, Inf) });
        Assert.Equal(new[] { 0.0, 0, 0 }, original.Value);
        Assert.Equal(new[] { 0.0, 1, 0 }, @fixed.Value);

        // No NaN in the input: both masks are empty.
        proof.AssertAgree(new[] { Inputs.Randn(21, 1, 16) }, relative: 0, absolute: 0);
    }

    [Fact]
    public void NG2006_float16_gradients_underflow_and_overflow_without_loss_scaling()
    {
        using var scope = torch.NewDisposeScope();

        // A float16 Linear(1, 1), weight 1, fitting y to within 1e-5 of its output at x = 1e-3: the mse gradient
        // 2 * (w x - y) * x is about 2e-8, below half of float16's smallest subnormal (5.96e-8), and flushes to 0.
        var small = Float16Gradient(x: 1e-3f, y: 1e-3f - 1e-5f, scale: 1);
        Assert.Equal(0.0, small);
        // The loss scaled by 1024 before backward(), the gradient divided by it after: the gradient survives.
        var scaled = Float16Gradient(x: 1e-3f, y: 1e-3f - 1e-5f, scale: 1024);
        Assert.InRange(scaled, 1e-8, 4e-8);

        // At x = 300 and an error of 200 the gradient, 2 * 200 * 300 = 120000, is above float16's largest value (65504).
        Assert.Equal(double.PositiveInfinity, Float16Gradient(x: 300, y: 100, scale: 1));

        // The same layer in float32: the small gradient is there unscaled.
        Assert.InRange(Float16Gradient(x: 1e-3f, y: 1e-3f - 1e-5f, scale: 1, dtype: ScalarType.Float32), 1e-8, 4e-8);
    }

    // The weight's gradient of mse_loss(w * x, y) for a bias-free Linear(1, 1) of weight 1 in dtype, back-propagated
    // from loss * scale and divided by scale in float64.
    private static double Float16Gradient(float x, float y, double scale, ScalarType dtype = ScalarType.Float16)
    {
        using var scope = torch.NewDisposeScope();
        var layer = nn.Linear(1, 1, false).to(dtype);
        using (torch.no_grad())
            layer.weight!.fill_(1);
        var input = torch.tensor(new[] { x }).reshape(1, 1).to(dtype);
        var target = torch.tensor(new[] { y }).reshape(1, 1).to(dtype);
        var loss = F.mse_loss(layer.call(input), target);
        (loss * scale).backward();
        return layer.weight!.grad!.to_type(ScalarType.Float64).item<double>() / scale;
    }

    [Fact]
    public async Task NG3004_forward_hooks_do_not_run_through_forward()
    {
        var proof = await Proof.CreateAsync(new HookedForwardCallAnalyzer(), new HookedForwardCallCodeFix(),
            DiagnosticIds.HookedForwardCall, HookedForwardCallCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                // How many times the forward hook and the pre-hook ran, and the output.
                public static Tensor Compute(Tensor x)
                {
                    torch.manual_seed(3);
                    var model = nn.Linear(3, 2);
                    var post = 0;
                    var pre = 0;
                    model.register_forward_hook((m, input, output) => { post++; return output; });
                    model.register_forward_pre_hook((m, input) => { pre++; return input; });
                    var y = model.forward(x);
                    return torch.cat(new[] { torch.tensor(new float[] { post, pre }), y.flatten().detach() });
                }
            }
            """);
        using var scope = torch.NewDisposeScope();

        var (original, @fixed) = proof.Run(new[] { Inputs.Randn(26, 1, 3) });
        // forward(): neither hook ran. call(): each ran once, and the output is the same.
        Assert.Equal(new[] { 0.0, 0 }, original.Value.Take(2));
        Assert.Equal(new[] { 1.0, 1 }, @fixed.Value.Take(2));
        Assert.Equal(original.Value.Skip(2), @fixed.Value.Skip(2));
    }

    [Fact]
    public async Task NG1016_division_by_a_range_that_can_be_0()
    {
        var proof = await Proof.CreateAsync(new DivisionByZeroableAnalyzer(), new DivisionByZeroableCodeFix(),
            DiagnosticIds.DivisionByZeroable, DivisionByZeroableCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => (x - x.min()) / (x.max() - x.min());
            }
            """);
        using var scope = torch.NewDisposeScope();

        // A constant input: its range max - min is 0, and min-max scaling is 0 / 0 = NaN, value and gradient; the range
        // clamped to 1e-8 gives 0 / 1e-8 = 0 with a finite gradient.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(2f, 2f, 2f) });
        Assert.True(original.Value.All(double.IsNaN));
        Assert.True(original.GradientHasNaN);
        @fixed.AssertFinite("(x - min) / (max - min).clamp_min(1e-8) at a constant x");
        Assert.Equal(new[] { 0.0, 0, 0 }, @fixed.Value);

        // A range far above eps: the clamp changes nothing at all.
        proof.AssertAgree(new[] { Inputs.Randn(27, 1, 16) }, relative: 0, absolute: 0);
    }

    [Fact]
    public async Task NG1017_exp_of_a_layer_output()
    {
        var proof = await Proof.CreateAsync(new ExpOfUnboundedOutputAnalyzer(), new ExpOfUnboundedOutputCodeFix(),
            DiagnosticIds.ExpOfUnboundedOutput, ExpOfUnboundedOutputCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x, Tensor w) => torch.exp(F.linear(x, w));
            }
            """);
        using var scope = torch.NewDisposeScope();

        // Layer outputs of 88 and 89: exp(88) = 1.65e38 is still finite in float32, exp(89) is inf, and so is the
        // gradient of the weight; clamped at 20, exp(20) = 4.85e8 with a gradient of 0 where the clamp holds.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(new[,] { { 1f }, { 1f } }), Inputs.Of(new[,] { { 88f }, { 89f } }) });
        // The outputs are [[88, 89], [88, 89]].
        Values.AssertNear(Math.Exp(88), original.Value[0], "exp(88)");
        Assert.Equal(double.PositiveInfinity, original.Value[1]);
        Assert.True(double.IsPositiveInfinity(original.Gradients[1][1]));
        @fixed.AssertFinite("exp of the layer output clamped at 20");
        Assert.All(@fixed.Value, v => Values.AssertNear(Math.Exp(20), v, "exp(20)"));

        // Layer outputs far below 20: the clamp changes nothing at all.
        proof.AssertAgree(new[] { Inputs.Randn(28, 1, 4, 8), Inputs.Randn(29, 0.5, 3, 8) }, relative: 0, absolute: 0);
    }

    [Fact]
    public async Task NG1018_sqrt_of_a_variance()
    {
        var proof = await Proof.CreateAsync(new RootAtBoundaryAnalyzer(), new RootAtBoundaryCodeFix(),
            DiagnosticIds.RootAtBoundary, RootAtBoundaryCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor x) => x.var(1).sqrt();
            }
            """);
        using var scope = torch.NewDisposeScope();

        // A constant row: its variance is 0, sqrt's backward 1 / (2 * 0) = inf, and the variance's backward multiplies
        // it by x - mean = 0: NaN. Clamped to 1e-8, the root is 1e-4 there and the clamp passes no gradient.
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(new[,] { { 2f, 2f, 2f }, { 1f, 2f, 3f } }) });
        Assert.Equal(new[] { 0.0, 1 }, original.Value);
        Assert.True(original.Gradient.Take(3).All(double.IsNaN));
        @fixed.AssertFinite("x.var(1).clamp_min(1e-8).sqrt() at a constant row");
        Values.AssertNear(1e-4, @fixed.Value[0], "sqrt(1e-8)");
        Assert.Equal(new[] { 0.0, 0, 0 }, @fixed.Gradient.Take(3));

        // Rows of variance far above eps: the clamp changes nothing at all.
        proof.AssertAgree(new[] { Inputs.Randn(30, 1, 4, 8) }, relative: 0, absolute: 0);
    }

    [Fact]
    public async Task NG1019_fully_masked_softmax()
    {
        var proof = await Proof.CreateAsync(new FullyMaskedSoftmaxAnalyzer(), new FullyMaskedSoftmaxCodeFix(),
            DiagnosticIds.FullyMaskedSoftmax, FullyMaskedSoftmaxCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor scores, Tensor pad, Tensor values)
                {
                    var masked = scores.masked_fill(pad, float.NegativeInfinity);
                    return F.softmax(masked, 1).matmul(values);
                }
            }
            """);
        Assert.Contains("torch.finfo(scores.dtype).min", proof.FixedSource);
        using var scope = torch.NewDisposeScope();

        // Row 0 is masked entirely: softmax of [-inf, -inf, -inf] is NaN, and so is that row of the attention output
        // and the gradient of the values it weighs (masked_fill's own backward zeroes the scores' gradient in the
        // masked places, 0 rather than NaN). Filled with float32's lowest finite value (-3.4028235e38) the row's weights
        // are uniform, 1/3 each: its output is the mean of the values; row 1, masked in part, is the same bit for bit.
        var pad = torch.tensor(new[,] { { true, true, true }, { false, true, false } });
        var values = Inputs.Of(new[,] { { 1f, -1f }, { 2f, 0f }, { 3f, 4f } });
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(new[,] { { 1f, 2f, 3f }, { 4f, 5f, 6f } }), pad, values });
        Assert.All(original.Value.Take(2), v => Assert.True(double.IsNaN(v)));
        Assert.Contains(original.Gradients[2], double.IsNaN);
        Assert.Equal(new[] { 0.0, 0, 0 }, original.Gradient.Take(3));
        @fixed.AssertFinite("attention over a fully masked row filled with finfo.min");
        Values.AssertNear(2, @fixed.Value[0], "the mean of the values, 1, 2, 3");
        Values.AssertNear(1, @fixed.Value[1], "the mean of the values, -1, 0, 4");
        Assert.Equal(original.Value.Skip(2), @fixed.Value.Skip(2));
        Assert.Equal(original.Gradient.Skip(3), @fixed.Gradient.Skip(3));

        // Rows masked in part: exp(finfo.min - max) is 0 exactly as exp(-inf) is: bit for bit the same.
        var partial = torch.tensor(new[,] { { true, false, false, true }, { false, false, false, false }, { true, true, true, false } });
        proof.AssertAgree(new[] { Inputs.Randn(19, 3, 3, 4), partial, Inputs.Randn(20, 1, 4, 2) }, relative: 0, absolute: 0);
    }

    [Fact]
    public async Task NG1020_vanishing_epsilon()
    {
        var proof = await Proof.CreateAsync(new VanishingEpsilonAnalyzer(), new VanishingEpsilonCodeFix(),
            DiagnosticIds.VanishingEpsilon, VanishingEpsilonCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor p) => torch.log(1 - p.clamp(1e-8, 1 - 1e-8));
            }
            """);
        Assert.Contains("1 - 1e-7", proof.FixedSource);
        using var scope = torch.NewDisposeScope();

        // float32: 1 - 1e-8 rounds to 1, so p = 1 passes the clamp and log(1 - 1) = -inf, with an infinite gradient;
        // 1 - 1e-7 rounds to 0.99999988, and log(1 - 0.99999988) = log(1.1920929e-7) = -15.942385 with gradient 0
        // (clamped).
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(1f, 0.5f) });
        Assert.Equal(double.NegativeInfinity, original.Value[0]);
        Assert.True(double.IsNegativeInfinity(original.Gradient[0]));
        @fixed.AssertFinite("log(1 - p.clamp(1e-8, 1 - 1e-7)) at p = 1");
        Values.AssertNear(Math.Log(1.1920928955078125e-7), @fixed.Value[0], "log(1 - 0.99999988)");
        Assert.Equal(0.0, @fixed.Gradient[0]);
        proof.AssertAgree(new[] { Inputs.Uniform(21, 0.01, 0.99, 64) }, relative: 0, absolute: 0);

        var half = await Proof.CreateAsync(new VanishingEpsilonAnalyzer(), new VanishingEpsilonCodeFix(),
            DiagnosticIds.VanishingEpsilon, VanishingEpsilonCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                public static Tensor Compute(Tensor p) => torch.log(p.half() + 1e-8);
            }
            """);
        Assert.Contains("p.half() + 1e-4", half.FixedSource);

        // float16: 1e-8 is below float16's smallest subnormal (6e-8) and rounds to 0: log(0 + 0) = -inf, gradient inf.
        // 1e-4 is held (as 1.0001e-4): log gives -9.2094, gradient 9999 (below float16's largest value, 65504).
        var (halfOriginal, halfFixed) = half.Run(new[] { Inputs.Of(0f, 0.5f) });
        Assert.Equal(double.NegativeInfinity, halfOriginal.Value[0]);
        Assert.True(halfOriginal.GradientHasNonFinite);
        halfFixed.AssertFinite("log(p.half() + 1e-4) at p = 0");
        Values.AssertNear(Math.Log(1.0001659393310547e-4), halfFixed.Value[0], "log(1e-4 in float16)", relative: 1e-3);
        // On p in [0.1, 1] the two differ by log(1 + 1e-4 / p) <= 1e-3, within float16's rounding of the log.
        half.AssertAgree(new[] { Inputs.Uniform(22, 0.1, 1, 64) }, relative: 2e-3, absolute: 2e-3);
    }

    [Fact]
    public async Task NG1020_adam_eps_on_float16_parameters()
    {
        var proof = await Proof.CreateAsync(new VanishingEpsilonAnalyzer(), new VanishingEpsilonCodeFix(),
            DiagnosticIds.VanishingEpsilon, VanishingEpsilonCodeFix.EquivalenceKey, """
            public static class Snippet
            {
                // One Adam step (TorchSharp's torch.optim.Adam: beta2 0.99, eps 1e-8) of a float16 Linear(4, 1) whose
                // weight starts at [1, -1, 0.5, 2], with the given gradient; the weight after the step.
                public static Tensor Compute(Tensor gradient)
                {
                    var model = nn.Linear(4, 1, hasBias: false);
                    model.half();
                    var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
                    var weight = model.weight!;
                    using (torch.no_grad())
                        weight.copy_(torch.tensor(new float[] { 1f, -1f, 0.5f, 2f }).reshape(1, 4));
                    var loss = (weight * gradient.reshape(1, 4).half()).sum();
                    loss.backward();
                    optimizer.step();
                    return weight.detach().to(ScalarType.Float32);
                }
            }
            """);
        Assert.Contains("torch.optim.Adam(model.parameters(), lr: 0.01, eps: 1e-4)", proof.FixedSource);
        using var scope = torch.NewDisposeScope();

        // eps = 1e-8 rounds to 0 in float16, so the denominator sqrt(v) + eps is sqrt(v). A weight whose gradient is 0
        // has m = v = 0 and is moved by 0 / 0: NaN after the first step. A gradient of 1e-3 gives v = 0.01 * 1e-6 = 1e-8,
        // which underflows to 0 in float16 while m = 1e-4 does not: the step is m / 0 and the weight -inf. With
        // eps = 1e-4 both stay put or move by a finite step (0.5 - 0.01 * 1e-3 / (1e-3 + 1e-4) = 0.3999 in float16).
        var (original, @fixed) = proof.Run(new[] { Inputs.Of(0.5f, 0f, 1e-3f, 1e-2f) }, grad: new[] { false });
        Assert.True(double.IsNaN(original.Value[1]), "a weight with a 0 gradient: " + Values.Show(original.Value));
        Assert.Equal(double.NegativeInfinity, original.Value[2]);
        @fixed.AssertFinite("one Adam step with eps 1e-4");
        Assert.Equal(new[] { 0.990234375, -1, 0.39990234375, 1.9912109375 }, @fixed.Value);
        Assert.Equal(new[] { 0.990234375, 1.9912109375 }, new[] { original.Value[0], original.Value[3] });

        // Gradients of 0.1 to 1 in size: v is at least 1e-4, which float16 holds; eps = 1e-4 against |g| >= 0.1 changes
        // the step of 0.01 by at most 1e-5, and the weights agree within float16's spacing there (2e-3 between 2 and 4).
        proof.AssertAgree(new[] { Inputs.Of(0.5f, -0.1f, 1f, -0.25f) }, relative: 0, absolute: 2e-3, grad: new[] { false });
    }

    [Fact]
    public void NG1021_hand_written_segment_softmax()
    {
        // NG1021 has no fix: the proof runs the flagged form (tests/NanGuard.Analyzers.Tests checks NG1021 reports it)
        // and the page's fixed form, with each segment's maximum subtracted (the amax of the logits masked to each
        // segment: TorchSharp 0.107.0's torch.index_reduce is marked obsolete, "not implemented").
        static Tensor Flagged(Tensor x, Tensor index)
        {
            var ex = torch.exp(x);
            var sums = torch.zeros(2).index_add(0, index, ex, 1);
            return ex / sums[index];
        }
        static Tensor Fixed(Tensor x, Tensor index)
        {
            var member = index.unsqueeze(1).eq(torch.arange(2).unsqueeze(0));
            var max = x.detach().unsqueeze(1).masked_fill(member.logical_not(), float.NegativeInfinity).amax(new long[] { 0 });
            var ex = torch.exp(x - max[index]);
            var sums = torch.zeros(2).index_add(0, index, ex, 1);
            return ex / sums[index];
        }
        using var scope = torch.NewDisposeScope();
        var index = torch.tensor(new long[] { 0, 0, 1, 1 });

        // exp(100) is inf in float32: inf / inf = NaN in segment 0, 1 / inf = 0 beside it; segment 1 is untouched.
        var logits = Inputs.Of(100f, 0f, 1f, 2f);
        var original = Outcome(Flagged, logits, index);
        var @fixed = Outcome(Fixed, logits, index);
        Assert.True(double.IsNaN(original.Value[0]));
        Assert.Equal(0.0, original.Value[1]);
        Assert.True(original.GradientHasNaN);
        @fixed.AssertFinite("the segment softmax shifted by each segment's maximum");
        Values.AssertNear(1, @fixed.Value[0], "exp(0) / (1 + exp(-100))");
        Values.AssertNear(Math.Exp(-100), @fixed.Value[1], "exp(-100)", absolute: 1e-45);
        Values.AssertNear(1 / (1 + Math.E), @fixed.Value[2], "segment 1");

        var ordinary = Inputs.Randn(23, 3, 8);
        var ordinaryIndex = torch.tensor(new long[] { 0, 1, 0, 1, 1, 0, 1, 0 });
        var a = Outcome(Flagged, ordinary, ordinaryIndex);
        var b = Outcome(Fixed, ordinary, ordinaryIndex);
        a.AssertFinite("the flagged form at ordinary inputs");
        b.AssertFinite("the fixed form at ordinary inputs");
        Values.AssertClose(a.Value, b.Value, Values.Relative, Values.Absolute, "value");
        Values.AssertClose(a.Gradient, b.Gradient, Values.Relative, Values.Absolute, "gradient");

        static Outcome Outcome(Func<Tensor, Tensor, Tensor> compute, Tensor x, Tensor index) =>
            NanGuard.Proofs.Tests.Outcome.Of(compute.Method, new[] { x, index }, null);
    }

    [Fact]
    public void NG1022_unbiased_spread_of_one()
    {
        // NG1022 has no fix (which dim the code means is not in it). The flagged form is NaN for every input, so there is
        // no ordinary input where it is finite: the proof measures it at seeded inputs, and measures the two ways out the
        // page names, the reduction over the dim the values vary along and the population variance.
        static Tensor Flagged(Tensor x) => x.unsqueeze(0).std(0);
        static Tensor AlongTheValues(Tensor x) => x.unsqueeze(0).std(1);
        static Tensor PopulationVar(Tensor x) => x.unsqueeze(0).var(0, unbiased: false);
        static Tensor PopulationStd(Tensor x) => x.unsqueeze(0).std(0, unbiased: false);
        using var scope = torch.NewDisposeScope();

        foreach (var seed in new ulong[] { 24, 25, 26 })
        {
            var x = Inputs.Randn(seed, 1, 5);
            var original = Run(Flagged, x);
            Assert.All(original.Value, v => Assert.True(double.IsNaN(v)));
            Assert.All(original.Gradient, g => Assert.True(double.IsNaN(g)));

            var along = Run(AlongTheValues, x);
            along.AssertFinite("std over the dim of the 5 values");
            using var expected = x.std();
            Values.AssertNear(expected.item<float>(), along.Value.Single(), "the std of the 5 values");

            // The population variance of one value is 0, with gradient 0.
            var variance = Run(PopulationVar, x);
            variance.AssertFinite("var(0, unbiased: false) of one value");
            Assert.All(variance.Value, v => Assert.Equal(0.0, v));
            Assert.All(variance.Gradient, g => Assert.Equal(0.0, g));

            // The population std of one value is 0 too, and libtorch's std backward gives 0 (not 0 / 0) where the std is 0.
            var deviation = Run(PopulationStd, x);
            deviation.AssertFinite("std(0, unbiased: false) of one value");
            Assert.All(deviation.Value, v => Assert.Equal(0.0, v));
            Assert.All(deviation.Gradient, g => Assert.Equal(0.0, g));
        }

        static Outcome Run(Func<Tensor, Tensor> compute, Tensor x) =>
            NanGuard.Proofs.Tests.Outcome.Of(compute.Method, new[] { x }, null);
    }

    [Fact]
    public void Every_rule_that_yields_NaN_or_Inf_has_a_proof()
    {
        var rules = new[]
        {
            DiagnosticIds.LogOfSoftmax, DiagnosticIds.HandWrittenCrossEntropy, DiagnosticIds.LogOfSigmoid,
            DiagnosticIds.BinaryCrossEntropyOnProbabilities, DiagnosticIds.LogSumExp, DiagnosticIds.HandWrittenSoftmax,
            DiagnosticIds.HandWrittenSoftplus, DiagnosticIds.Log1pExpm1, DiagnosticIds.XLogY, DiagnosticIds.SqrtOfSumOfSquares,
            DiagnosticIds.DivisionByNorm, DiagnosticIds.StandardizationWithoutEps, DiagnosticIds.DivisionByZeroableSum,
            DiagnosticIds.LogOfZeroable, DiagnosticIds.UnsafeWhere, DiagnosticIds.StaticClampNotInPlace, DiagnosticIds.CompareWithNaN,
            DiagnosticIds.UnscaledFloat16Training, DiagnosticIds.HookedForwardCall,
            DiagnosticIds.DivisionByZeroable, DiagnosticIds.ExpOfUnboundedOutput, DiagnosticIds.RootAtBoundary,
            DiagnosticIds.FullyMaskedSoftmax, DiagnosticIds.VanishingEpsilon, DiagnosticIds.HandWrittenSegmentSoftmax,
            DiagnosticIds.UnbiasedSpreadOfOne,
        };
        var proofs = typeof(RuleProofs).GetMethods().Select(m => m.Name.Split('_')[0]).ToHashSet();
        Assert.All(rules, id => Assert.Contains(id, proofs));
    }

    // The weight of the first output element in the backward (Outcome: sum(value * w)).
    private static double Weight(int index)
    {
        using var generator = new Generator(7);
        using var weight = torch.rand(new long[] { index + 1 }, ScalarType.Float64, generator: generator) + 0.5;
        return weight[index].item<double>();
    }
}
