using System;
using System.IO;
using System.Linq;
using TorchSharp;
using Xunit;
using static NanGuard.Runtime.Tests.Tensors.Values;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>The loss scaler on real gradients: float16 overflow skipped and backed off, exact unscaling, growth, saved state.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class LossScalerTensorTests
{
    /// <summary>A float16 Linear layer whose loss is computed in float32, as mixed precision trains.</summary>
    private static Tensor HalfLoss(nn.Module<Tensor, Tensor> model, long seed, float targetScale)
    {
        using var x = Batches.Input(seed, 4, 3);
        using var xHalf = x.to_type(ScalarType.Float16);
        using var y = model.call(xHalf);
        using var y32 = y.to_type(ScalarType.Float32);
        using var target = Batches.Input(seed + 1000, 4, 2);
        using var scaled = target * targetScale;
        return nn.functional.mse_loss(y32, scaled);
    }

    /// <summary>The weights of a half-precision model, widened to float32 (exactly) to compare bit for bit.</summary>
    private static System.Collections.Generic.Dictionary<string, float[]> Weights32(nn.Module model) =>
        model.state_dict().ToDictionary(e => e.Key, e => Of(e.Value.to_type(ScalarType.Float32)));

    [Fact]
    public void A_float16_overflow_is_skipped_with_the_weights_unchanged_the_scale_halved_and_no_incident_then_training_goes_on()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var model = nn.Linear(3, 2);
        model.to(ScalarType.Float16);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.01);
        using var guard = new TrainingGuard(model, optimizer);
        var scaler = new LossScaler();
        var incidents = 0;
        guard.Incident += (_, _) => incidents++;
        var before = Weights32(model);

        // Targets of 100: dL/dy is about 50, times 2^16 is far above float16's largest value, 65504.
        var loss = HalfLoss(model, seed: 1, targetScale: 100f);
        scaler.scale(loss).backward();
        using (var grad = model.weight!.grad!)
        {
            Assert.Contains(Of(grad.to_type(ScalarType.Float32)), float.IsInfinity);
        }

        var decision = guard.Step(loss, scaler);

        Assert.Equal(StepAction.Skip, decision.Action);
        Assert.Equal(IncidentKind.LossScaleOverflow, decision.Diagnosis!.Kind);
        Assert.Equal(32768.0, scaler.Scale);
        Assert.Equal(0, incidents);
        Assert.Equal(1, guard.Statistics.LossScaleOverflows);
        BitEqual(before, Weights32(model));
        Assert.All(model.parameters(), p => Assert.All(Of(p.grad!.to_type(ScalarType.Float32)), g => Assert.Equal(0f, g)));

        // Backing off until the scaled gradients fit: then the step is taken, with finite float16 weights.
        var steps = 0;
        while (scaler.Scale > 1 && steps++ < 16)
        {
            optimizer.zero_grad();
            var next = HalfLoss(model, seed: 1, targetScale: 100f);
            scaler.scale(next).backward();
            if (guard.Step(next, scaler).Steps)
            {
                break;
            }
        }

        Assert.Equal(1, guard.Statistics.StepsTaken);
        Assert.InRange(scaler.Scale, 1.0, 16384.0);
        Assert.Equal(scaler.Overflows, guard.Statistics.LossScaleOverflows);
        AllFinite(Of(model.weight!.to_type(ScalarType.Float32)), "weight");
        Assert.False(SameBits(before, Weights32(model)));
    }

    [Fact]
    public void A_clean_scaled_step_is_the_unscaled_step_bit_for_bit_and_the_scale_grows_after_its_interval()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 8);
        var twin = Batches.Mlp(seed: 8);
        using var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
        using var twinOptimizer = torch.optim.Adam(twin.parameters(), lr: 0.01);
        var scaler = new LossScaler(new LossScalerOptions { GrowthInterval = 3 });

        for (var seed = 1; seed <= 3; seed++)
        {
            optimizer.zero_grad();
            twinOptimizer.zero_grad();
            var loss = Batches.Loss(model, seed);
            scaler.scale(loss).backward();
            Batches.Loss(twin, seed).backward();

            var scaled = GuardedStep.ClipAndStep(optimizer, model.parameters(), 0.5, scaler);
            var plain = GuardedStep.ClipAndStep(twinOptimizer, twin.parameters(), 0.5);

            Assert.True(scaled.Stepped);
            Assert.Equal(plain.GradientNorm, scaled.GradientNorm);
            BitEqual(Weights(twin), Weights(model));
        }

        Assert.Equal(131072.0, scaler.Scale);
        Assert.Equal(1, scaler.Growths);
    }

    [Fact]
    public void Unscale_before_the_step_divides_the_gradients_once_and_the_step_does_not_divide_them_again()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 9);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        var scaler = new LossScaler(new LossScalerOptions { InitialScale = 1024 });
        var loss = Batches.Loss(model, seed: 1);
        scaler.scale(loss).backward();
        var scaledGradient = Gradient(model.parameters().First())!;

        scaler.unscale_(model.parameters());
        var unscaled = Gradient(model.parameters().First())!;
        Assert.Equal(scaledGradient.Select(g => g / 1024f), unscaled);
        Assert.Throws<InvalidOperationException>(() => scaler.unscale_(model.parameters()));

        var norm = GradientNorm(model.parameters());
        var result = GuardedStep.ClipAndStep(optimizer, model.parameters(), double.PositiveInfinity, scaler);
        Close(norm, result.GradientNorm, 1e-6, "the norm of the once-unscaled gradients");
    }

    [Fact]
    public void The_scalers_state_saved_beside_the_model_restores_scale_and_growth_tracker()
    {
        using var scope = torch.NewDisposeScope();
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "rt16-scaler-" + Guid.NewGuid().ToString("N")));
        try
        {
            var model = Batches.Mlp(seed: 10);
            using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
            var scaler = new LossScaler(new LossScalerOptions { GrowthInterval = 5 });
            scaler.Update(gradientsFinite: false);
            for (var seed = 1; seed <= 3; seed++)
            {
                optimizer.zero_grad();
                scaler.scale(Batches.Loss(model, seed)).backward();
                Assert.True(GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0, scaler).Stepped);
            }

            model.save(Path.Combine(directory.FullName, "model.bin"));
            scaler.Save(Path.Combine(directory.FullName, "scaler.bin"));

            var restoredModel = Batches.Mlp(seed: 99);
            restoredModel.load(Path.Combine(directory.FullName, "model.bin"));
            var restored = new LossScaler(new LossScalerOptions { GrowthInterval = 5 });
            restored.Load(Path.Combine(directory.FullName, "scaler.bin"));

            BitEqual(Weights(model), Weights(restoredModel));
            Assert.Equal(32768.0, restored.Scale);
            Assert.Equal(3, restored.GrowthTracker);
            Assert.Equal(1, restored.Overflows);
            restored.Update(true);
            Assert.Equal(65536.0, restored.Update(true).Scale);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Without_scaling_a_small_float16_gradient_underflows_to_zero_and_with_it_survives()
    {
        using var scope = torch.NewDisposeScope();
        foreach (var (scale, survives) in new[] { (1.0, false), (65536.0, true) })
        {
            var weight = torch.full(new long[] { 4 }, 1f, dtype: ScalarType.Float16).requires_grad_();
            var scaler = new LossScaler(new LossScalerOptions { InitialScale = scale });
            using var product = weight * torch.tensor(1e-8f, dtype: ScalarType.Float16);
            using var small = product.to_type(ScalarType.Float32).sum();
            // d(sum)/dw = 1e-8 in float16: below its smallest subnormal (6e-8), so 0 unless scaled.
            var loss = small * 1.0;
            scaler.scale(loss).backward();
            using var grad = weight.grad!;
            using var grad32 = grad.to_type(ScalarType.Float32);
            Assert.Equal(survives, Of(grad32).All(g => g != 0f));
        }
    }

    [Fact]
    public void A_bfloat16_model_trains_under_the_scaler_with_finite_weights_and_a_falling_loss()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        var model = nn.Linear(3, 2);
        model.to(ScalarType.BFloat16);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.05);
        using var guard = new TrainingGuard(model, optimizer);
        var scaler = new LossScaler(new LossScalerOptions { InitialScale = 1024 });
        var losses = new double[30];
        for (var i = 0; i < losses.Length; i++)
        {
            using var step = torch.NewDisposeScope();
            optimizer.zero_grad();
            using var x = Batches.Input(1, 4, 3);
            var y = model.call(x.to_type(ScalarType.BFloat16)).to_type(ScalarType.Float32);
            var loss = nn.functional.mse_loss(y, Batches.Input(1001, 4, 2));
            scaler.scale(loss).backward();
            Assert.True(guard.Step(loss, scaler).Steps);
            losses[i] = loss.ToDouble();
        }

        Assert.True(losses[^1] < losses[0] / 2, $"loss {losses[0]} -> {losses[^1]}");
        Assert.Equal(1024.0, scaler.Scale);
        AllFinite(Of(model.weight!.to_type(ScalarType.Float32)), "weight");
    }
}
