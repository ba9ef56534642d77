using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace NanGuard.Samples.Tests;

/// <summary>
/// samples/CnnAdamNoClipping/Cures --rates --optimizer: the sweeps behind NG2003's per-optimizer thresholds
/// (docs/rules/NG2003.md), seed 1, each a class of its own so that they run beside the other samples' tests.
/// </summary>
public sealed class CnnAdamNoClippingRmsPropRatesTests
{
    [Fact]
    public async Task RMSProp_trains_at_1e_3_and_is_NaN_after_one_update_from_3e_3_behind_its_threshold()
    {
        // On the pixels as stored, every rate is NaN at step 1.
        var scaled = await OptimizerSweep.Scaled("rmsprop");
        // Scaled, 1e-3 trains; from 3e-3 (the default threshold) up, NaN after one update (seed 1).
        Assert.True(scaled[1e-3].NaNAt is null && scaled[1e-3].TestAccuracy >= 85, scaled[1e-3].ToString());
        Assert.All(new[] { 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0 }, lr => Assert.Equal(1, scaled[lr].NaNAt));
    }
}

public sealed class CnnAdamNoClippingSgdRatesTests
{
    [Fact]
    public async Task Plain_SGD_on_a_summed_loss_trains_at_3e_3_stops_learning_at_1e_2_and_goes_NaN_above()
    {
        var scaled = await OptimizerSweep.Scaled("sgd");
        Assert.True(scaled[3e-3].NaNAt is null && scaled[3e-3].TestAccuracy >= 75, scaled[3e-3].ToString());
        // The loss summed over 50 examples: 1e-2 here is 0.5 for a batch mean (the default threshold), finite at chance.
        Assert.True(scaled[1e-2].NaNAt is null && scaled[1e-2].TestAccuracy <= 15, scaled[1e-2].ToString());
        Assert.All(new[] { 3e-2, 1e-1, 3e-1, 1.0 }, lr => Assert.NotNull(scaled[lr].NaNAt));
    }
}

public sealed class CnnAdamNoClippingAdagradRatesTests
{
    [Fact]
    public async Task Adagrad_trains_up_to_1e_2_and_is_NaN_after_one_update_from_3e_2_its_threshold()
    {
        // On raw pixels Adagrad trains at 1e-4 and 3e-4 and is NaN at step 1 from 1e-3.
        var scaled = await OptimizerSweep.Scaled("adagrad", rawTrainsBelow: 1e-3);
        Assert.All(new[] { 3e-3, 1e-2 }, lr => Assert.True(scaled[lr].NaNAt is null && scaled[lr].TestAccuracy >= 85, scaled[lr].ToString()));
        Assert.All(new[] { 3e-2, 1e-1, 3e-1, 1.0 }, lr => Assert.Equal(1, scaled[lr].NaNAt));
    }
}

internal static class OptimizerSweep
{
    /// <summary>Runs the sweep for <paramref name="optimizer"/>, asserts every rate from <paramref name="rawTrainsBelow"/> up on raw pixels is NaN at step 1, and returns the runs on scaled pixels by rate.</summary>
    public static async Task<Dictionary<double, CuresRow>> Scaled(string optimizer, double rawTrainsBelow = 0)
    {
        var runs = CuresTable.Read(await SampleProgram.Run("CnnAdamNoClipping.Cures", "--rates", "--optimizer", optimizer));
        Assert.All(runs["pixels 0..255"].Where(run => run.LearningRate >= rawTrainsBelow), run => Assert.Equal(1, run.NaNAt));
        return runs["pixels 0..1"].ToDictionary(run => run.LearningRate);
    }
}
