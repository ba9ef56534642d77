using System.Linq;
using System.Threading.Tasks;
using Xunit;
using static NanGuard.Samples.Tests.SampleLog;

namespace NanGuard.Samples.Tests;

/// <summary>
/// samples/CnnAdamNoClipping: the high learning rate. Buggy is NaN after its first update; Fixed (NanGuard's code
/// fixes and the lower rate NG2003 asks for) learns; Cures shows what each change does alone, and the rates behind
/// NG2003's threshold.
/// </summary>
public sealed class CnnAdamNoClippingTests
{
    // Columns of the step table: step, loss, largest |logit|, gradient norm.
    private const int Loss = 1, LargestLogit = 2, GradientNorm = 3;

    [Fact]
    public async Task Buggy_is_NaN_at_step_1_after_one_update_at_lr_0_01()
    {
        var log = await SampleProgram.Run("CnnAdamNoClipping.Buggy");
        var rows = log.NumberedRows();

        Assert.Equal(new[] { 0, 1 }, rows.Select(row => int.Parse(row[0])));
        var (initial, first) = (rows[0], rows[1]);
        Assert.True(double.IsFinite(Number(initial[Loss])) && double.IsFinite(Number(initial[GradientNorm])));
        Assert.InRange(Number(initial[LargestLogit]), 1, 100);
        // One update later the logits are far past softmax's float32 underflow, and the loss and gradient are NaN.
        Assert.True(double.IsNaN(Number(first[Loss])) && double.IsNaN(Number(first[GradientNorm])));
        Assert.True(Number(first[LargestLogit]) > 200, $"largest |logit| {first[LargestLogit]} at step 1");
        Assert.StartsWith("The loss is NaN at step 1; after that step 189130 of 189130 weights are NaN.", log.Line("The loss is NaN"));
    }

    [Fact]
    public async Task Fixed_stays_finite_and_learns()
    {
        var log = await SampleProgram.Run("CnnAdamNoClipping.Fixed");
        var rows = log.NumberedRows();

        Assert.Equal(100, int.Parse(rows[^1][0]));
        Assert.All(rows, row => Assert.True(double.IsFinite(Number(row[Loss])) && double.IsFinite(Number(row[GradientNorm])), string.Join(" ", row)));
        Assert.True(Number(rows[^1][Loss]) < Number(rows[0][Loss]) / 5, $"loss {rows[0][Loss]} -> {rows[^1][Loss]}");
        Assert.All(rows, row => Assert.True(Number(row[LargestLogit]) < 100, string.Join(" ", row)));
        var accuracy = Number(log.Line("Finished 100 steps with a finite loss; test accuracy").Split(' ')[^1].TrimEnd('.'));
        Assert.True(accuracy >= 80.0, $"test accuracy {accuracy}%");
    }

    [Fact]
    public async Task Cures_show_the_lower_rate_cures_and_clipping_alone_does_not()
    {
        var runs = CuresTable.Read(await SampleProgram.Run("CnnAdamNoClipping.Cures"));

        var buggy = runs["as written (Buggy)"][0];
        Assert.Equal(1, buggy.NaNAt);
        // clip_grad_norm_ alone: Adam's first update is still about lr per weight; NaN at step 1 all the same.
        Assert.Equal(1, runs["+ clip_grad_norm_ 1.0"][0].NaNAt);
        // The guarded step keeps the weights finite, by skipping every step after the first: nothing is learned.
        var guarded = runs["+ guarded step (clip, skip non-finite)"][0];
        Assert.True(guarded.WeightsFinite && guarded.Skipped >= 99 && guarded.TestAccuracy <= 20, guarded.ToString());
        // cross_entropy alone: finite, but stuck at chance (a loss of 50 ln 10 = 115.1 per batch).
        var crossEntropy = runs["+ cross_entropy (NG1002's fix)"][0];
        Assert.True(crossEntropy.NaNAt is null && crossEntropy.WeightsFinite && crossEntropy.TestAccuracy <= 20, crossEntropy.ToString());
        Assert.InRange(crossEntropy.LastLoss, 110, 120);
        // The lower rate alone cures it; with both code fixes it is the Fixed sample.
        foreach (var name in new[] { "lr 1e-4 only", "Fixed: both fixes + lr 1e-4" })
        {
            var run = runs[name][0];
            Assert.True(run.NaNAt is null && run.WeightsFinite && run.TestAccuracy >= 75 && run.LastLoss < run.FirstLoss / 5, run.ToString());
        }

        // Where clipping is the cure: plain SGD's logits explode without it, and it learns with it.
        var sgd = runs["SGD + cross_entropy"][0];
        var clipped = runs["SGD + cross_entropy + clip_grad_norm_"][0];
        Assert.True(sgd.LargestLogit > 1e6 && sgd.TestAccuracy <= 20, sgd.ToString());
        Assert.True(clipped.NaNAt is null && clipped.LargestLogit < 1000 && clipped.TestAccuracy >= 80, clipped.ToString());
    }
}
