using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Xunit;
using static NanGuard.Runtime.Tests.Tensors.Values;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>
/// OLMo-core's skip-step rule on a seeded run that spikes: 120 steps of a small MLP over eight batches, and at step
/// 100 a batch whose targets are 30 times too large. The watch (before backward) and the guard (after it) skip exactly
/// that step, and training goes on finite.
/// </summary>
[Collection(LibTorchCollection.Name)]
public sealed class RollingSpikeTensorTests
{
    private const int Steps = 120;
    private const int SpikeStep = 100;

    [Fact]
    public void DivergenceWatch_with_the_rolling_sigma_rule_skips_exactly_the_spike_step_and_training_goes_on()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 50);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.05);
        using var watch = new DivergenceWatch(model, optimizer, new GuardOptions { SpikeDetection = SpikeOptions.RollingSigma() });
        var skipped = new List<int>();
        var losses = new List<double>();
        Dictionary<string, float[]>? beforeSpike = null;
        for (var step = 1; step <= Steps; step++)
        {
            using var batch = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = Loss(model, step);
            if (step == SpikeStep)
            {
                beforeSpike = Weights(model);
            }

            if (!watch.Observe(loss))
            {
                skipped.Add(step);
                continue;
            }

            if (step == SpikeStep + 1)
            {
                BitEqual(beforeSpike!, Weights(model));
            }

            losses.Add(loss.ToDouble());
            loss.backward();
            optimizer.step();
        }

        Assert.Equal(new[] { SpikeStep }, skipped);
        Assert.Equal(1, watch.Statistics.LossSpikes);
        Assert.True(losses[^1] < losses[0], $"loss {losses[0]} -> {losses[^1]}");
        AllFinite(Weights(model));
    }

    [Fact]
    public void TrainingGuard_with_the_rolling_sigma_rule_skips_exactly_the_spike_step_judging_loss_and_norm()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 50);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.05);
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions
        {
            MaxNorm = double.PositiveInfinity,
            SpikeDetection = SpikeOptions.RollingSigma(),
        });
        var incidents = new List<GuardDiagnosis>();
        guard.Incident += (_, e) => incidents.Add(e.Diagnosis);
        for (var step = 1; step <= Steps; step++)
        {
            using var batch = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = Loss(model, step);
            loss.backward();
            guard.Step(loss);
        }

        var incident = Assert.Single(incidents);
        Assert.Equal(SpikeStep, incident.StepIndex);
        Assert.Equal(IncidentKind.LossSpike, incident.Kind);
        Assert.Equal(Steps - 1, guard.Statistics.StepsTaken);
        AllFinite(Weights(model));
    }

    /// <summary>Eight fixed batches in turn; the spike step's targets are 30 times too large.</summary>
    private static Tensor Loss(nn.Module<Tensor, Tensor> model, int step)
    {
        var seed = 1 + (step % 8);
        using var x = Batches.Input(seed, 16, 3);
        using var target = Batches.Input(seed + 1000, 16, 2);
        using var y = model.call(x);
        using var scaled = target * (step == SpikeStep ? 30f : 1f);
        return nn.functional.mse_loss(y, scaled);
    }
}
