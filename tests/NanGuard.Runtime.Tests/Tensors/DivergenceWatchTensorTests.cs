using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Xunit;
using static NanGuard.Runtime.Tests.Tensors.Values;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>DivergenceWatch before backward(), on a real model's losses: spikes and NaN are refused and the policy applied.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class DivergenceWatchTensorTests
{
    [Fact]
    public void BackOff_refuses_a_spike_and_a_NaN_loss_and_halves_the_optimizers_rate_each_time()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 20);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        using var watch = new DivergenceWatch(model, optimizer, new GuardOptions
        {
            Policy = GuardPolicy.BackOff,
            SpikeDetection = new SpikeOptions { WarmupSteps = 3, SpikeFactor = 3.0 },
        });
        var incidents = new List<IncidentKind>();
        watch.Incident += (_, e) => incidents.Add(e.Diagnosis.Kind);
        for (var seed = 1; seed <= 3; seed++)
        {
            Assert.True(Train(watch, model, optimizer, seed, scale: 1f));
        }

        var before = Weights(model);
        Assert.False(Train(watch, model, optimizer, seed: 4, scale: 100f));
        Assert.Equal(0.05, optimizer.ParamGroups.Single().LearningRate);
        Assert.False(Train(watch, model, optimizer, seed: 5, scale: float.NaN));
        Assert.Equal(0.025, optimizer.ParamGroups.Single().LearningRate);

        Assert.Equal(new[] { IncidentKind.LossSpike, IncidentKind.NonFiniteLoss }, incidents);
        BitEqual(before, Weights(model));
        Assert.True(Train(watch, model, optimizer, seed: 6, scale: 1f));
        Assert.Equal(1, watch.Statistics.LossSpikes);
        Assert.Equal(2, watch.Statistics.BackOffs);
    }

    [Fact]
    public void Rollback_restores_the_weights_from_before_the_step_whose_loss_was_last_judged_good()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 21);
        using var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
        using var watch = new DivergenceWatch(model, optimizer, new GuardOptions
        {
            Policy = GuardPolicy.Rollback,
            SnapshotInterval = 1000,
            SpikeDetection = new SpikeOptions { WarmupSteps = 2 },
        });
        var initial = Weights(model);
        for (var seed = 1; seed <= 3; seed++)
        {
            Assert.True(Train(watch, model, optimizer, seed, scale: 1f));
        }

        Assert.False(SameBits(initial, Weights(model)));

        Assert.False(Train(watch, model, optimizer, seed: 4, scale: float.PositiveInfinity));

        BitEqual(initial, Weights(model));
        Assert.Equal(1, watch.Statistics.Rollbacks);
    }

    /// <summary>One batch: observe the (scaled) loss, and only if the watch agrees, backward and a guarded step.</summary>
    private static bool Train(DivergenceWatch watch, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, long seed, float scale)
    {
        using var batch = torch.NewDisposeScope();
        optimizer.zero_grad();
        var loss = Batches.Loss(model, seed) * scale;
        if (!watch.Observe(loss))
        {
            return false;
        }

        loss.backward();
        Assert.True(GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0).Stepped);
        return true;
    }
}
