using System;
using System.Linq;
using TorchSharp;
using Xunit;
using static NanGuard.Runtime.Tests.Tensors.Values;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>
/// Each StableOps function on real tensors: at the boundary inputs where the plain op's value or gradient is Inf or
/// NaN (asserted, so each test shows the difference) the stable op's value and gradient are finite; on ordinary
/// inputs it agrees with the plain op in value and gradient within <see cref="Tolerance"/> (relative).
/// </summary>
[Collection(LibTorchCollection.Name)]
public sealed class StableOpsTensorTests
{
    private const double Tolerance = 1e-6;

    private static readonly float LogEps = (float)Math.Log((float)StableOps.DefaultEps);

    [Fact]
    public void safe_log_is_finite_where_log_goes_to_minus_infinity_or_NaN()
    {
        float[] boundary = { 0f, -0f, -1f, float.NegativeInfinity };
        var plain = Elementwise(boundary, x => x.log());
        var safe = Elementwise(boundary, x => StableOps.safe_log(x));

        PlainIsNonFiniteAtEach(plain);
        AllFinite(safe.Value, "value");
        AllFinite(safe.Gradient, "gradient");
        Assert.All(safe.Value, v => Assert.Equal(LogEps, v));
        Assert.All(safe.Gradient, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void safe_log_stays_finite_at_tiny_and_huge_inputs_and_agrees_with_log_above_eps()
    {
        var tiny = Elementwise(new[] { 1e-30f }, x => StableOps.safe_log(x));
        Assert.Equal(LogEps, tiny.Value.Single());
        Assert.Equal(0f, tiny.Gradient.Single());

        float[] ordinary = { 1e-6f, 0.01f, 0.5f, 1f, 7f, 1e30f };
        Agree(Elementwise(ordinary, x => x.log()), Elementwise(ordinary, x => StableOps.safe_log(x)));
    }

    [Fact]
    public void safe_div_is_finite_where_division_by_zero_or_a_tiny_denominator_is_not()
    {
        float[] numerator = { 1f, 1f, 0f, 1f, 2f };
        float[] denominator = { 0f, -0f, 0f, 1e-30f, -1e-30f };
        var plain = Division(numerator, denominator, (n, d) => n / d);
        var safe = Division(numerator, denominator, (n, d) => StableOps.safe_div(n, d));

        for (var i = 0; i < numerator.Length; i++)
        {
            Assert.False(float.IsFinite(plain.Value[i]) && float.IsFinite(plain.DenominatorGradient[i]), $"plain division is finite at {i}");
        }

        AllFinite(safe.Value, "value");
        AllFinite(safe.NumeratorGradient, "numerator gradient");
        AllFinite(safe.DenominatorGradient, "denominator gradient");
        var eps = (float)StableOps.DefaultEps;
        // A tiny denominator keeps its sign; zero, -0 included (it equals 0), becomes +eps, as documented.
        Close(new[] { 1 / eps, 1 / eps, 0f, 1 / eps, 2 / -eps }, safe.Value, 1e-6 * 2 / eps, "value");
        Assert.All(safe.DenominatorGradient, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void safe_div_agrees_with_division_for_denominators_above_eps()
    {
        float[] numerator = { 1f, -2f, 3f, 0.5f, 1e30f };
        float[] denominator = { 0.5f, -3f, 1e-3f, -1e-7f, 1e30f };
        var plain = Division(numerator, denominator, (n, d) => n / d);
        var safe = Division(numerator, denominator, (n, d) => StableOps.safe_div(n, d));

        CloseTo(plain.Value, safe.Value, "value");
        CloseTo(plain.NumeratorGradient, safe.NumeratorGradient, "numerator gradient");
        CloseTo(plain.DenominatorGradient, safe.DenominatorGradient, "denominator gradient");
    }

    [Fact]
    public void safe_sqrt_is_finite_where_sqrt_has_an_infinite_gradient_or_a_NaN_value()
    {
        float[] boundary = { 0f, -0f, -1f, float.NegativeInfinity };
        var plain = Elementwise(boundary, x => x.sqrt());
        var safe = Elementwise(boundary, x => StableOps.safe_sqrt(x));

        PlainIsNonFiniteAtEach(plain);
        Assert.All(safe.Value, v => Assert.Equal(0f, v));
        Assert.All(safe.Gradient, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void safe_sqrt_is_zero_with_zero_gradient_at_or_below_eps_and_agrees_with_sqrt_above_it()
    {
        var tiny = Elementwise(new[] { 1e-30f }, x => StableOps.safe_sqrt(x));
        Assert.Equal(0f, tiny.Value.Single());
        Assert.Equal(0f, tiny.Gradient.Single());

        float[] ordinary = { 1e-7f, 0.25f, 2f, 1e30f };
        Agree(Elementwise(ordinary, x => x.sqrt()), Elementwise(ordinary, x => StableOps.safe_sqrt(x)));
    }

    [Fact]
    public void safe_normalize_is_finite_for_zero_and_tiny_vectors_where_dividing_by_the_norm_is_not()
    {
        float[,] boundary = { { 0f, 0f, 0f }, { -0f, -0f, -0f }, { 1e-30f, -1e-30f, 0f } };
        var plain = Rows(boundary, x => x / Norm(x));
        var safe = Rows(boundary, x => StableOps.safe_normalize(x));

        for (var row = 0; row < 3; row++)
        {
            Assert.False(plain.Value.Skip(3 * row).Take(3).All(float.IsFinite) && plain.Gradient.Skip(3 * row).Take(3).All(float.IsFinite),
                $"plain normalize is finite in row {row}");
        }

        AllFinite(safe.Value, "value");
        AllFinite(safe.Gradient, "gradient");
        Assert.All(safe.Value.Take(6), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void safe_normalize_gives_unit_vectors_as_dividing_by_the_norm_does_and_matches_F_normalize_at_huge_entries()
    {
        float[,] ordinary = { { 3f, -4f, 0f }, { -1f, -1f, -1f }, { 1e-3f, 2e-3f, 5f } };
        var plain = Rows(ordinary, x => x / Norm(x));
        var safe = Rows(ordinary, x => StableOps.safe_normalize(x));
        Agree(plain, safe);
        Close(new[] { 0.6f, -0.8f, 0f }, safe.Value.Take(3).ToArray(), 1e-7, "unit vector");

        // Past sqrt(float.MaxValue) the float32 norm overflows: the result is F.normalize's, finite (zero), not NaN.
        float[,] huge = { { 1e30f, 1e30f, 0f } };
        var reference = Rows(huge, x => nn.functional.normalize(x, 2.0, 1));
        var hugeSafe = Rows(huge, x => StableOps.safe_normalize(x));
        AllFinite(hugeSafe.Value, "value");
        AllFinite(hugeSafe.Gradient, "gradient");
        BitEqual(reference.Value, hugeSafe.Value);
        BitEqual(reference.Gradient, hugeSafe.Gradient);
    }

    [Fact]
    public void cross_entropy_from_probs_is_finite_where_the_hand_written_loss_over_a_zero_probability_is_not()
    {
        // Each row has a probability of exactly 0 (or -0, or a negative one from a bad softmax substitute).
        float[,] probs = { { 0f, 0.2f, 0.8f }, { 1f, -0f, 0f }, { 0.5f, 0.6f, -0.1f } };
        float[,] target = { { 0f, 0f, 1f }, { 0f, 1f, 0f }, { 1f, 0f, 0f } };
        var plain = CrossEntropy(probs, target, HandWritten);
        var safe = CrossEntropy(probs, target, (p, t) => StableOps.cross_entropy_from_probs(p, t));

        Assert.False(float.IsFinite(plain.Value.Single()));
        Assert.Contains(plain.Gradient, g => !float.IsFinite(g));
        AllFinite(safe.Value, "value");
        AllFinite(safe.Gradient, "gradient");
        // Row 1's target class has probability -0: its loss is -log(eps).
        var expected = -(Math.Log(0.8f) + LogEps + Math.Log(0.5f)) / 3;
        Close(expected, safe.Value.Single(), Tolerance, "loss");
    }

    [Fact]
    public void cross_entropy_from_probs_agrees_with_the_hand_written_loss_and_with_F_cross_entropy_on_a_softmax()
    {
        using var scope = torch.NewDisposeScope();
        var logits = Batches.Input(seed: 50, 4, 5);
        var labels = torch.tensor(new long[] { 0, 3, 4, 1 });
        var target = nn.functional.one_hot(labels, 5).to_type(ScalarType.Float32);

        var plain = OfLogits(logits, x => HandWritten(nn.functional.softmax(x, 1), target));
        var safe = OfLogits(logits, x => StableOps.cross_entropy_from_probs(nn.functional.softmax(x, 1), target));
        var exact = OfLogits(logits, x => nn.functional.cross_entropy(x, labels));

        Agree(plain, safe);
        Close(exact.Value, safe.Value, 1e-5, "against F.cross_entropy");
        Close(exact.Gradient, safe.Gradient, 1e-6, "gradient against F.cross_entropy");

        using var probs = nn.functional.softmax(logits, 1);
        using var perSample = StableOps.cross_entropy_from_probs(probs, target, reduction: nn.Reduction.None);
        using var sum = StableOps.cross_entropy_from_probs(probs, target, reduction: nn.Reduction.Sum);
        Assert.Equal(new long[] { 4 }, perSample.shape);
        Close(Values.Of(perSample).Sum(), sum.item<float>(), 1e-6, "sum");
    }

    private static Tensor HandWritten(Tensor probs, Tensor target)
    {
        using var log = probs.log();
        using var weighted = target * log;
        using var perSample = weighted.sum(1);
        using var mean = perSample.mean();
        return mean.neg();
    }

    private static Tensor Norm(Tensor x) => torch.linalg.vector_norm(x, 2d, new long[] { 1 }, keepdim: true);

    private static void PlainIsNonFiniteAtEach((float[] Value, float[] Gradient) plain)
    {
        for (var i = 0; i < plain.Value.Length; i++)
        {
            Assert.False(float.IsFinite(plain.Value[i]) && float.IsFinite(plain.Gradient[i]),
                $"the plain op is finite at input {i}: value {plain.Value[i]}, gradient {plain.Gradient[i]}");
        }
    }

    private static void Agree((float[] Value, float[] Gradient) plain, (float[] Value, float[] Gradient) safe)
    {
        CloseTo(plain.Value, safe.Value, "value");
        CloseTo(plain.Gradient, safe.Gradient, "gradient");
    }

    private static void CloseTo(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsFinite(expected[i]), $"{what}[{i}] of the plain op is not finite: {expected[i]}");
            Close(expected[i], actual[i], Tolerance, $"{what}[{i}]");
        }
    }

    /// <summary>The op's value and its gradient d(sum of outputs)/d(input), elementwise.</summary>
    private static (float[] Value, float[] Gradient) Elementwise(float[] input, Func<Tensor, Tensor> op)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(input, requires_grad: true);
        var y = op(x);
        y.sum().backward();
        return (Values.Of(y), Values.Of(x.grad!));
    }

    /// <summary>Row-wise ops: the gradient of a fixed weighting of the outputs, so it is not trivially 0 for unit vectors.</summary>
    private static (float[] Value, float[] Gradient) Rows(float[,] input, Func<Tensor, Tensor> op)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(input, requires_grad: true);
        var y = op(x);
        var weights = torch.tensor(new[] { 0.3f, -0.7f, 0.2f });
        (y * weights).sum().backward();
        return (Values.Of(y), Values.Of(x.grad!));
    }

    private static (float[] Value, float[] NumeratorGradient, float[] DenominatorGradient) Division(
        float[] numerator, float[] denominator, Func<Tensor, Tensor, Tensor> op)
    {
        using var scope = torch.NewDisposeScope();
        var n = torch.tensor(numerator, requires_grad: true);
        var d = torch.tensor(denominator, requires_grad: true);
        var y = op(n, d);
        y.sum().backward();
        return (Values.Of(y), Values.Of(n.grad!), Values.Of(d.grad!));
    }

    private static (float[] Value, float[] Gradient) CrossEntropy(float[,] probs, float[,] target, Func<Tensor, Tensor, Tensor> loss)
    {
        using var scope = torch.NewDisposeScope();
        var p = torch.tensor(probs, requires_grad: true);
        var y = loss(p, torch.tensor(target));
        y.backward();
        return (Values.Of(y), Values.Of(p.grad!));
    }

    /// <summary>A loss of the logits, and its gradient with respect to them.</summary>
    private static (float[] Value, float[] Gradient) OfLogits(Tensor logits, Func<Tensor, Tensor> loss)
    {
        using var scope = torch.NewDisposeScope();
        var x = logits.detach().clone().requires_grad_(true);
        var y = loss(x);
        y.backward();
        return (Values.Of(y), Values.Of(x.grad!));
    }
}
