using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using NanGuard.Testing.TensorBoard;
using Xunit;
using static NanGuard.Samples.Tests.SampleLog;

namespace NanGuard.Samples.Tests;

/// <summary>
/// samples/MnistSoftmaxLoss: the log of a softmax. Buggy learns, then turns NaN once a logit gap passes float32's
/// underflow point; Fixed (NanGuard's code fixes) trains through every epoch past that gap; Guarded (the runtime)
/// finishes the buggy run with finite weights.
/// </summary>
public sealed class MnistSoftmaxLossTests
{
    // Columns of the epoch table: epoch, train loss, train acc, test loss, test acc, and a sample's own last column.
    private const int TrainLoss = 1, TrainAccuracy = 2, TestLoss = 3, TestAccuracy = 4, Last = 5;

    [Fact]
    public async Task Buggy_learns_then_its_loss_is_NaN_at_the_step_and_epoch_it_prints()
    {
        var log = await SampleProgram.Run("MnistSoftmaxLoss.Buggy");
        var rows = log.NumberedRows();
        var (step, epoch) = NaNStepAndEpoch(log);

        // The epoch it names is the last row, the first with a NaN loss; every epoch before it is finite.
        Assert.Equal(epoch, int.Parse(rows[^1][0]));
        Assert.True(double.IsNaN(Number(rows[^1][TrainLoss])));
        Assert.All(rows.SkipLast(1), row => Assert.True(double.IsFinite(Number(row[TrainLoss])), string.Join(" ", row)));
        // It trained well for a number of epochs first, and the logit gap had grown to near float32's underflow (~104).
        Assert.True(epoch >= 10, $"NaN already at epoch {epoch}");
        var before = rows[^2];
        Assert.True(Number(before[TrainAccuracy]) >= 99.0 && Number(before[TestAccuracy]) >= 95.0, string.Join(" ", before));
        Assert.True(Number(before[Last]) > 95.0, $"max logit gap {before[Last]} before the NaN");
        Assert.InRange(step, 94 * (epoch - 1) + 1, 94 * epoch);
        Assert.Matches(@"; [1-9][0-9]* of 101770 weights are NaN now", log.Line("The loss turned NaN"));
    }

    [Fact]
    public async Task Fixed_trains_every_epoch_to_a_finite_loss_past_the_underflow_gap()
    {
        var log = await SampleProgram.Run("MnistSoftmaxLoss.Fixed");
        var rows = log.NumberedRows();

        Assert.Equal(Enumerable.Range(1, 25), rows.Select(row => int.Parse(row[0])));
        Assert.All(rows, row => Assert.True(double.IsFinite(Number(row[TrainLoss])) && double.IsFinite(Number(row[TestLoss])), string.Join(" ", row)));
        Assert.True(Number(rows[^1][TestAccuracy]) >= 99.0, $"test accuracy {rows[^1][TestAccuracy]}");
        Assert.True(Number(rows[^1][TrainLoss]) < Number(rows[0][TrainLoss]) / 100);
        // The logits grew further apart than the gap at which Buggy's softmax underflowed, and the loss stayed finite.
        Assert.True(rows.Max(row => Number(row[Last])) > 110.0);
        log.Line("Finished 25 epochs with a finite loss.");
    }

    [Fact]
    public async Task Guarded_names_the_module_at_each_incident_and_finishes_with_finite_weights()
    {
        var log = await SampleProgram.Run("MnistSoftmaxLoss.Guarded");
        var buggy = await SampleProgram.Run("MnistSoftmaxLoss.Buggy");
        var rows = log.NumberedRows();
        var incidents = log.LinesStartingWith("step ");

        Assert.Equal(Enumerable.Range(1, 25), rows.Select(row => int.Parse(row[0])));
        Assert.All(rows, row => Assert.True(double.IsFinite(Number(row[TrainLoss])), string.Join(" ", row)));
        Assert.NotEmpty(incidents);
        // Each incident: the step, the module whose output went non-finite and how, the finite loss and NaN norm, the rollback.
        Assert.All(incidents, line => Assert.Matches(
            @"^\s*step \d+: module '\(model\)' \(Classifier\) output \[\d+, 10\]: 0 NaN, 0 \+inf, [1-9]\d* -inf of \d+; loss [0-9.eE+-]+, gradient norm NaN; rolled back to the weights after step \d+$", line));
        // The first incident is the step at which the unguarded run went NaN: the guard changed nothing before it.
        Assert.Equal(NaNStepAndEpoch(buggy).Step, int.Parse(Regex.Match(incidents[0], @"step (\d+):").Groups[1].Value));
        Assert.Equal(incidents.Count, int.Parse(rows[^1][Last]));
        Assert.True(Number(rows[^1][TestAccuracy]) >= 99.0, $"test accuracy {rows[^1][TestAccuracy]}");
        var summary = log.Line("Finished 25 epochs:");
        Assert.Contains($", {incidents.Count} rolled back; 101770 of 101770 weights finite.", summary);
    }

    [Fact]
    public async Task Guarded_leaves_a_TensorBoard_log_with_every_step_each_incident_at_its_step_and_the_final_counts()
    {
        var log = await SampleProgram.Run("MnistSoftmaxLoss.Guarded");
        var folder = Regex.Match(log.Line("TensorBoard log: "), @"^TensorBoard log: (.+) \(open it with: tensorboard --logdir \1\)$");
        Assert.True(folder.Success, log.Line("TensorBoard log: "));
        var file = EventFile.InFolder(folder.Groups[1].Value);
        var rows = log.NumberedRows();
        var incidents = log.LinesStartingWith("step ").Select(line => Regex.Match(line, @"step (\d+):.*rolled back to the weights after step (\d+)$")).ToList();
        var summary = Regex.Match(log.Line("Finished 25 epochs:"), @"(\d+) of (\d+) steps taken, (\d+) rolled back");
        var (taken, observed, rolledBack) = (int.Parse(summary.Groups[1].Value), int.Parse(summary.Groups[2].Value), int.Parse(summary.Groups[3].Value));

        // Every step's loss, and each epoch's mean of them is the train loss the table printed.
        var losses = file.Scalars("nanguard/loss");
        Assert.Equal(Enumerable.Range(1, observed).Select(s => (long)s), losses.Select(v => v.Step));
        foreach (var row in rows)
        {
            var epoch = int.Parse(row[0]);
            var sum = losses.Skip(94 * (epoch - 1)).Take(94).Sum(v => (double)v.Value);
            Assert.True(Math.Abs(sum / 6000 - Number(row[TrainLoss])) <= 1e-3 * Number(row[TrainLoss]), $"epoch {epoch}: {sum / 6000} logged, {row[TrainLoss]} printed");
        }

        // Each incident the sample printed, at its step: the marker, and the diagnosis with its boundary and rollback.
        var steps = incidents.Select(m => long.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(steps, file.Scalars("nanguard/incident").Where(v => v.Value == 1).Select(v => v.Step));
        var texts = file.Texts("nanguard/diagnosis");
        Assert.Equal(steps, texts.Select(t => t.Step));
        Assert.All(texts.Zip(incidents), pair =>
        {
            var (text, printed) = pair;
            Assert.StartsWith($"step {text.Step}: the gradient norm is not finite (loss ", text.Text);
            Assert.Contains($"action: Rollback to the state after step {printed.Groups[2].Value}", text.Text);
            Assert.Contains("Backward: gradient of 'weight' in module 'hidden' is not finite", text.Text);
            Assert.Contains("Boundary: the last module in model order, 'output', already has non-finite gradients (2 of 2 modules non-finite): the NaN began after it in the backward pass", text.Text);
        });
        Assert.All(new[] { "hidden", "output" }, module =>
        {
            var norms = file.Scalars("nanguard/module_grad_norm/" + module);
            Assert.Equal(steps, norms.Select(v => v.Step));
            Assert.All(norms, v => Assert.True(float.IsNaN(v.Value)));
        });

        // The counts at the end are the guard's statistics the sample printed.
        Assert.Equal(rolledBack, file.Last("nanguard/rollbacks"));
        Assert.Equal(observed - taken, file.Last("nanguard/steps_skipped"));
        Assert.Equal(0, file.Last("nanguard/backoffs"));
        Assert.Equal(incidents.Count, rolledBack);
    }

    private static (int Step, int Epoch) NaNStepAndEpoch(SampleLog log)
    {
        var match = Regex.Match(log.Line("The loss turned NaN"), @"^The loss turned NaN at step (\d+) \(epoch (\d+)\)");
        Assert.True(match.Success, log.Text);
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
    }
}
