using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace NanGuard.Samples.Tests;

/// <summary>
/// samples/CnnAdamNoClipping/Cures --rates: the learning rates behind NG2003's default threshold (a class of its own
/// so that it runs beside the other samples' tests).
/// </summary>
public sealed class CnnAdamNoClippingRatesTests
{
    [Fact]
    public async Task Rates_show_which_rates_diverged_behind_NG2003s_threshold()
    {
        var runs = CuresTable.Read(await SampleProgram.Run("CnnAdamNoClipping.Cures", "--rates"));
        var raw = runs["pixels 0..255"].ToDictionary(run => run.LearningRate);
        var scaled = runs["pixels 0..1"].ToDictionary(run => run.LearningRate);

        // On the pixels as stored, 1e-4 trains and every rate from 1e-3 up is NaN at step 1.
        Assert.True(raw[1e-4].NaNAt is null && raw[1e-4].TestAccuracy >= 75, raw[1e-4].ToString());
        Assert.All(new[] { 1e-3, 3e-3, 1e-2, 3e-2, 1e-1 }, lr => Assert.Equal(1, raw[lr].NaNAt));
        // Scaled to 0..1, 1e-3 to 1e-2 (NG2003's threshold) train, and 0.1 is NaN at step 1.
        Assert.All(new[] { 1e-3, 3e-3, 1e-2 }, lr => Assert.True(scaled[lr].NaNAt is null && scaled[lr].TestAccuracy >= 90, scaled[lr].ToString()));
        Assert.Equal(1, scaled[1e-1].NaNAt);
    }
}
