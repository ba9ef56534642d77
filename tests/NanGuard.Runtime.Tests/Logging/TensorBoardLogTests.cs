using System;
using System.IO;
using System.Linq;
using Xunit;
using static NanGuard.Runtime.TensorBoardLog;

namespace NanGuard.Runtime.Tests.Logging;

/// <summary>
/// What the log writes and when, driven in plain numbers: the engine decides, the log records what the guard would
/// hand it. The TorchSharp writer and the event files are tested in Tensors/TensorBoardTensorTests.
/// </summary>
public sealed class TensorBoardLogTests
{
    [Fact]
    public void Every_nth_step_and_every_bad_step_are_written_and_the_last_counts_are_the_statistics()
    {
        var sink = new RecordingSink();
        var log = new TensorBoardLog(sink, interval: 5);
        var engine = new GuardPolicyEngine(new GuardOptions { Policy = GuardPolicy.BackOff });
        var bad = new[] { 7, 8, 13 };
        for (var step = 1; step <= 22; step++)
        {
            var norm = bad.Contains(step) ? double.NaN : 1.0 + step;
            var decision = engine.Decide(2.0 / step, norm);
            if (decision.Steps)
            {
                engine.Complete(decision, snapshotTaken: false);
            }

            log.WriteStep(new GuardLogEntry(decision.StepIndex, 2.0 / step, engine.Statistics) { GradientNorm = norm, Diagnosis = decision.Diagnosis });
        }

        Assert.Equal(new[] { 5, 7, 8, 10, 13, 15, 20 }, sink.Steps(LossTag));
        Assert.Equal(sink.Steps(LossTag), sink.Steps(StepsSkippedTag));
        Assert.Equal(new[] { 0f, 1f, 1f, 0f, 1f, 0f, 0f }, sink.Values(IncidentTag));
        Assert.Equal(new[] { 7, 8, 13 }, sink.Texts.Select(t => t.Step));
        Assert.All(sink.Texts, t => Assert.Equal(DiagnosisTag, t.Tag));
        Assert.StartsWith("step 13: the gradient norm is not finite", sink.Texts[2].Text);
        // Counts change only on bad steps, which are always written: the last point is the final count.
        var statistics = engine.Statistics;
        Assert.Equal(statistics.StepsSkipped, sink.Values(StepsSkippedTag)[^1]);
        Assert.Equal(statistics.BackOffs, sink.Values(BackOffsTag)[^1]);
        Assert.Equal(statistics.Rollbacks, sink.Values(RollbacksTag)[^1]);
        Assert.Equal((float)statistics.LearningRateScale, sink.Values(LearningRateScaleTag)[^1]);
        Assert.Equal(0.125f, sink.Values(LearningRateScaleTag)[^1]);
        // Nothing unknown is written: no spike threshold without spike detection, no loss scale without a scaler.
        Assert.Empty(sink.Steps(SpikeThresholdTag));
        Assert.Empty(sink.Steps(LossScaleTag));
        Assert.Empty(sink.Steps(ClipCoefficientTag));
    }

    [Fact]
    public void A_loss_scale_overflow_is_written_with_its_counts_but_is_no_incident()
    {
        var sink = new RecordingSink();
        var log = new TensorBoardLog(sink, interval: 100);
        var engine = new GuardPolicyEngine(new GuardOptions());
        var decision = engine.Decide(1.0, double.PositiveInfinity, lossScaleBackedOff: true);
        log.WriteStep(new GuardLogEntry(decision.StepIndex, 1.0, engine.Statistics)
        {
            GradientNorm = double.PositiveInfinity,
            LossScale = 32768,
            LossScaleBackOffs = 1,
            Diagnosis = decision.Diagnosis,
        });

        Assert.Equal(new[] { 32768f }, sink.Values(LossScaleTag));
        Assert.Equal(new[] { 1f }, sink.Values(LossScaleBackOffsTag));
        Assert.Equal(new[] { 1f }, sink.Values(StepsSkippedTag));
        Assert.Equal(new[] { 0f }, sink.Values(IncidentTag));
        Assert.Empty(sink.Texts);
    }

    [Fact]
    public void A_failing_write_is_reported_once_turns_the_log_off_and_never_throws()
    {
        var sink = new RecordingSink(failAtWrite: 20);
        var log = new TensorBoardLog(sink);
        var reports = 0;
        log.Failed += (sender, _) =>
        {
            Assert.Same(log, sender);
            reports++;
        };
        var engine = new GuardPolicyEngine(new GuardOptions());
        for (var step = 1; step <= 50; step++)
        {
            var decision = engine.Decide(1.0, step == 30 ? double.NaN : 1.0);
            if (decision.Steps)
            {
                engine.Complete(decision, snapshotTaken: false);
            }

            log.WriteStep(new GuardLogEntry(step, 1.0, engine.Statistics) { GradientNorm = 1.0, Diagnosis = decision.Diagnosis });
            log.WriteLossScale(step, 1024, 0, backedOff: false);
            log.WriteEvent(decision.Diagnosis ?? engine.RequestRollback().Diagnosis!, engine.Statistics);
        }

        Assert.Equal(1, reports);
        Assert.False(log.IsWriting);
        Assert.IsType<IOException>(log.Error);
        Assert.Equal(20, sink.Attempts);   // nothing was tried after the failure
        // 13 writes a step (7 scalars of the step, 2 of the scale, 3 counts and a text): the 20th is step 2's.
        Assert.Equal(2, log.FailedAtStep);
    }

    [Fact]
    public void A_failure_with_no_handler_is_one_line_on_standard_error()
    {
        var sink = new RecordingSink(failAtWrite: 1);
        var log = new TensorBoardLog(sink);
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            for (var step = 1; step <= 3; step++)
            {
                log.WriteLossScale(step, 1024, 0, backedOff: false);
            }
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.Equal(
            "NanGuard: TensorBoard logging stopped at step 1 (IOException: No space left on device); training goes on." + Environment.NewLine,
            error.ToString());
    }

    [Fact]
    public void A_step_beyond_the_writers_int_range_fails_the_log_instead_of_wrapping()
    {
        var sink = new RecordingSink();
        var log = new TensorBoardLog(sink);
        log.Failed += (_, _) => { };
        log.WriteLossScale((long)int.MaxValue + 1, 1, 0, backedOff: true);
        Assert.IsType<OverflowException>(log.Error);
        Assert.Empty(sink.Scalars);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Equal("writer", Assert.Throws<ArgumentNullException>(() => new TensorBoardLog((TorchSharp.Modules.SummaryWriter)null!)).ParamName);
        Assert.Equal("interval", Assert.Throws<ArgumentOutOfRangeException>(() => new TensorBoardLog(new RecordingSink(), interval: 0)).ParamName);
        Assert.Equal("maxModules", Assert.Throws<ArgumentOutOfRangeException>(() => new TensorBoardLog(new RecordingSink(), maxModules: 0)).ParamName);
    }
}
