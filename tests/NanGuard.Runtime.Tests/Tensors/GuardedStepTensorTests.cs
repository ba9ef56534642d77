using System;
using System.Linq;
using TorchSharp;
using Xunit;
using static NanGuard.Runtime.Tests.Tensors.Values;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>GuardedStep.ClipAndStep on real gradients: a bad step changes nothing, a clean one is the optimizer's clipped step.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class GuardedStepTensorTests
{
    private const double LearningRate = 0.1;

    [Fact]
    public void A_NaN_loss_skips_the_step_keeps_the_weights_bit_for_bit_and_zeroes_the_gradients()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        var model = nn.Linear(3, 2);
        using var optimizer = torch.optim.SGD(model.parameters(), LearningRate);
        var before = Weights(model);

        Batches.NaNLoss(model, seed: 1).backward();
        Assert.All(model.parameters(), p => Assert.Contains(Gradient(p)!, float.IsNaN));
        var result = GuardedStep.ClipAndStep(optimizer, model.parameters(), maxNorm: 1.0);

        Assert.False(result.Stepped);
        Assert.True(double.IsNaN(result.GradientNorm));
        BitEqual(before, Weights(model));
        AllFinite(Weights(model));
        Assert.All(model.parameters(), p => Assert.All(Gradient(p)!, g => Assert.Equal(0f, g)));
    }

    [Fact]
    public void After_a_skipped_step_a_clean_step_is_the_clipped_SGD_step()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        var model = nn.Linear(3, 2);
        using var optimizer = torch.optim.SGD(model.parameters(), LearningRate);
        Batches.NaNLoss(model, seed: 1).backward();
        Assert.False(GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0).Stepped);
        var before = Weights(model);

        optimizer.zero_grad();
        Batches.Loss(model, seed: 2).backward();
        var norm = GradientNorm(model.parameters());
        var gradients = model.named_parameters().ToDictionary(p => p.name, p => Gradient(p.parameter)!);
        var maxNorm = norm / 2;
        var result = GuardedStep.ClipAndStep(optimizer, model.parameters(), maxNorm);

        Assert.True(result.Stepped);
        Close(norm, result.GradientNorm, 1e-5, "returned norm");
        var coefficient = maxNorm / (norm + 1e-6);
        foreach (var (name, weight) in Weights(model))
        {
            var expected = before[name].Select((w, i) => (float)(w - LearningRate * coefficient * gradients[name][i])).ToArray();
            Close(expected, weight, 1e-6, name);
            Assert.NotEqual(Bits(before[name]), Bits(weight));
        }

        Close(maxNorm, GradientNorm(model.parameters()), 1e-5, "norm of the clipped gradients");
    }

    [Fact]
    public void An_infinite_gradient_skips_the_step_and_leaves_no_trace_in_Adams_state()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var model = nn.Conv2d(1, 2, 3);
        var twin = nn.Conv2d(1, 2, 3);
        twin.load_state_dict(model.state_dict());
        using var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
        using var twinOptimizer = torch.optim.Adam(twin.parameters(), lr: 0.01);
        var before = Weights(model);

        ConvLoss(model, seed: 1).backward();
        Batches.PoisonGradient(model.weight!);
        var skipped = GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0);

        Assert.False(skipped.Stepped);
        Assert.Equal(double.PositiveInfinity, skipped.GradientNorm);
        BitEqual(before, Weights(model));
        Assert.All(model.parameters(), p => Assert.All(Gradient(p)!, g => Assert.Equal(0f, g)));

        optimizer.zero_grad();
        ConvLoss(model, seed: 2).backward();
        var norm = GradientNorm(model.parameters());
        var stepped = GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0);
        ConvLoss(twin, seed: 2).backward();
        GuardedStep.ClipAndStep(twinOptimizer, twin.parameters(), 1.0);

        Assert.True(stepped.Stepped);
        Close(norm, stepped.GradientNorm, 1e-5, "returned norm");
        Assert.False(SameBits(before, Weights(model)));
        BitEqual(Weights(twin), Weights(model));
    }

    [Fact]
    public void The_max_norm_is_the_largest_gradient_magnitude_and_an_infinite_max_norm_does_not_clip()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 4);
        using var optimizer = torch.optim.SGD(model.parameters(), LearningRate);
        var before = Weights(model);
        Batches.Loss(model, seed: 3).backward();
        var largest = model.parameters().SelectMany(p => Gradient(p)!).Max(g => Math.Abs(g));
        var gradients = model.named_parameters().ToDictionary(p => p.name, p => Gradient(p.parameter)!);

        var result = GuardedStep.ClipAndStep(optimizer, model.parameters(), double.PositiveInfinity, double.PositiveInfinity);

        Assert.True(result.Stepped);
        Assert.Equal(largest, result.GradientNorm);
        foreach (var (name, weight) in Weights(model))
        {
            Close(before[name].Select((w, i) => (float)(w - LearningRate * gradients[name][i])).ToArray(), weight, 1e-7, name);
        }
    }

    private static Tensor ConvLoss(nn.Module<Tensor, Tensor> model, long seed)
    {
        using var x = Batches.Input(seed, 2, 1, 5, 5);
        using var y = model.call(x);
        using var squared = y.square();
        return squared.mean();
    }
}
