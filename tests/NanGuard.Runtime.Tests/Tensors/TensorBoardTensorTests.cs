using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NanGuard.Testing.TensorBoard;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static NanGuard.Runtime.TensorBoardLog;
using static NanGuard.Runtime.Tests.Tensors.Values;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>
/// The guard, the watch and the scaler writing to TorchSharp's real SummaryWriter, read back from the event file
/// (framing, checksums, protobuf Event) on seeded runs with an injected NaN and an injected spike.
/// </summary>
[Collection(LibTorchCollection.Name)]
public sealed class TensorBoardTensorTests : IDisposable
{
    private const int Steps = 60;
    private const int NaNStep = 25;
    private const int SpikeStep = 40;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "nanguard-tb-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void A_guarded_run_with_a_NaN_and_a_spike_reads_back_with_its_values_its_incidents_at_their_steps_and_its_counts()
    {
        using var scope = torch.NewDisposeScope();
        var (model, injector) = Model(seed: 70);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.05);
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions
        {
            Policy = GuardPolicy.BackOff,
            MaxNorm = 1.0,
            SpikeDetection = new SpikeOptions { SpikeFactor = 5.0 },
        })
        { Log = new TensorBoardLog(torch.utils.tensorboard.SummaryWriter(_folder)) };
        var incidents = new List<IncidentEventArgs>();
        guard.Incident += (_, e) => incidents.Add(e);
        var losses = new Dictionary<int, double>();
        var norms = new Dictionary<int, double>();
        var thresholds = new Dictionary<int, double?>();
        var fc2Norm = 0.0;
        for (var step = 1; step <= Steps; step++)
        {
            using var batch = torch.NewDisposeScope();
            optimizer.zero_grad();
            injector.Armed = step == NaNStep;
            var loss = Loss(model, step);
            loss.backward();
            losses[step] = loss.ToDouble();
            norms[step] = GradientNorm(model.parameters());
            if (step == NaNStep)
            {
                fc2Norm = GradientNorm(model.named_parameters().Where(p => p.name.StartsWith("fc2.", StringComparison.Ordinal)).Select(p => p.parameter));
            }

            thresholds[step] = guard.Step(loss).SpikeThreshold;
        }

        var file = EventFile.InFolder(_folder);
        Assert.Equal("brain.Event:2", file.Events[0].FileVersion);
        var all = Enumerable.Range(1, Steps).Select(s => (long)s).ToList();

        // The loss and the norm before clipping, at every step, as the test read them (float32, as TensorBoard keeps them).
        Assert.Equal(all, file.Scalars(LossTag).Select(v => v.Step));
        Assert.Equal(all.Select(s => (float)losses[(int)s]), file.Scalars(LossTag).Select(v => v.Value));
        Assert.Equal(all, file.Scalars(GradientNormTag).Select(v => v.Step));
        foreach (var (step, value) in file.Scalars(GradientNormTag).Where(v => v.Step != NaNStep))
        {
            Close(norms[(int)step], value, 1e-5, $"gradient norm at step {step}");
        }

        Assert.True(float.IsNaN(file.Scalars(GradientNormTag).Single(v => v.Step == NaNStep).Value));

        // The clip coefficient on the steps taken only, as clip_grad_norm_ computes it; some steps were clipped.
        var clip = file.Scalars(ClipCoefficientTag);
        Assert.Equal(all.Where(s => s != NaNStep && s != SpikeStep), clip.Select(v => v.Step));
        Assert.All(clip, v => Close(Math.Min(1.0, 1.0 / (norms[(int)v.Step] + 1e-6)), v.Value, 1e-5, $"clip coefficient at step {v.Step}"));
        Assert.Contains(clip, v => v.Value < 1);

        // Each incident at its step: the marker, and the diagnosis as the Incident event gave it.
        Assert.Equal(new long[] { NaNStep, SpikeStep }, file.Scalars(IncidentTag).Where(v => v.Value == 1).Select(v => v.Step));
        Assert.Equal(Steps - 2, file.Scalars(IncidentTag).Count(v => v.Value == 0));
        Assert.Equal(new[] { NaNStep, SpikeStep }, incidents.Select(e => (int)e.Diagnosis.StepIndex));
        Assert.Equal(incidents.Select(e => ((long)e.Diagnosis.StepIndex, e.Diagnosis.ToString())), file.Texts(DiagnosisTag));
        var nan = file.Texts(DiagnosisTag)[0].Text;
        Assert.StartsWith("step 25: the gradient norm is not finite", nan);
        Assert.Contains("Backward: gradient of 'weight' in module 'fc1' is not finite", nan);
        Assert.Contains("Boundary: gradients are finite in 'fc2' and every module after it, not in 'fc1' (1 of 2 modules non-finite)", nan);
        Assert.StartsWith("step 40: the loss spiked above its moving average", file.Texts(DiagnosisTag)[1].Text);

        // The per-module gradient norms of the NaN step: fc1's NaN, fc2's as the test measured it; on no other step.
        Assert.Equal(new[] { (long)NaNStep }, file.Scalars(ModuleGradientNormTagPrefix + "fc2").Select(v => v.Step));
        Close(fc2Norm, file.Scalars(ModuleGradientNormTagPrefix + "fc2").Single().Value, 1e-5, "fc2's gradient norm");
        Assert.True(float.IsNaN(file.Scalars(ModuleGradientNormTagPrefix + "fc1").Single().Value));

        // The spike threshold each step was judged against, once warmed up; the spike step's loss is above it.
        var threshold = file.Scalars(SpikeThresholdTag);
        Assert.Equal(all.Where(s => thresholds[(int)s].HasValue), threshold.Select(v => v.Step));
        Assert.Equal(threshold.Select(v => (float)thresholds[(int)v.Step]!.Value), threshold.Select(v => v.Value));
        Assert.True(losses[SpikeStep] > thresholds[SpikeStep]);

        // The learning-rate scale halves at each incident (BackOff); the counts end at the guard's statistics.
        var scale = file.Scalars(LearningRateScaleTag);
        Assert.Equal(all.Select(s => s < NaNStep ? 1f : s < SpikeStep ? 0.5f : 0.25f), scale.Select(v => v.Value));
        var statistics = guard.Statistics;
        Assert.Equal((2, 2, 0), (statistics.StepsSkipped, statistics.BackOffs, statistics.Rollbacks));
        Assert.Equal(statistics.StepsSkipped, file.Last(StepsSkippedTag));
        Assert.Equal(statistics.BackOffs, file.Last(BackOffsTag));
        Assert.Equal(statistics.Rollbacks, file.Last(RollbacksTag));
        Assert.Equal(new[] { 0f, 1f, 2f }, file.Scalars(StepsSkippedTag).Select(v => v.Value).Distinct());
        Assert.DoesNotContain(LossScaleTag, file.Tags());
        AllFinite(Weights(model));
    }

    [Fact]
    public void Logging_adds_no_host_synchronisation_to_a_step()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _) = Model(seed: 71);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.05);
        using var plain = new TrainingGuard(model, optimizer, new GuardOptions { SpikeDetection = new SpikeOptions() });
        using var logged = new TrainingGuard(model, optimizer, new GuardOptions { SpikeDetection = new SpikeOptions() })
        {
            Log = new TensorBoardLog(torch.utils.tensorboard.SummaryWriter(_folder)),
        };

        long Synchronisations(TrainingGuard guard, int step)
        {
            using var batch = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = Loss(model, step);
            loss.backward();
            var before = HostSynchronizations.Count;
            Assert.True(guard.Step(loss).Steps);
            return HostSynchronizations.Count - before;
        }

        for (var step = 1; step <= 15; step++)
        {
            Assert.Equal(1, Synchronisations(plain, step));
            Assert.Equal(1, Synchronisations(logged, step));
        }

        Assert.Equal(15, EventFile.InFolder(_folder).Scalars(LossTag).Count);
    }

    [Fact]
    public void A_log_whose_folder_is_deleted_mid_run_is_reported_once_and_training_goes_on()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _) = Model(seed: 72);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.05);
        var log = new TensorBoardLog(torch.utils.tensorboard.SummaryWriter(_folder));
        var reports = new List<Exception?>();
        log.Failed += (_, _) => reports.Add(log.Error);
        using var guard = new TrainingGuard(model, optimizer) { Log = log };
        for (var step = 1; step <= 20; step++)
        {
            using var batch = torch.NewDisposeScope();
            if (step == 8)
            {
                Directory.Delete(_folder, recursive: true);
            }

            optimizer.zero_grad();
            var loss = Loss(model, step);
            loss.backward();
            guard.Step(loss);
        }

        Assert.IsType<DirectoryNotFoundException>(Assert.Single(reports));
        Assert.Equal(8, log.FailedAtStep);
        Assert.False(log.IsWriting);
        Assert.Equal(20, guard.Statistics.StepsTaken);
        Assert.False(Directory.Exists(_folder));   // the log did not create it again
        AllFinite(Weights(model));
    }

    [Fact]
    public void A_scaler_logs_its_scale_and_back_offs_under_the_guarded_step_and_at_the_guards_step_under_the_guard()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _) = Model(seed: 73);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.05);
        var alone = Path.Combine(_folder, "alone");
        var scaler = new LossScaler(new LossScalerOptions { GrowthInterval = 3 }) { Log = new TensorBoardLog(torch.utils.tensorboard.SummaryWriter(alone)) };
        for (var step = 1; step <= 6; step++)
        {
            using var batch = torch.NewDisposeScope();
            optimizer.zero_grad();
            scaler.scale(Loss(model, step)).backward();
            if (step == 2)
            {
                Batches.PoisonGradient(model.parameters().First());
            }

            Assert.Equal(step != 2, GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0, scaler).Stepped);
        }

        var file = EventFile.InFolder(alone);
        Assert.Equal(Enumerable.Range(1, 6).Select(s => (long)s), file.Scalars(LossScaleTag).Select(v => v.Step));
        Assert.Equal(new[] { 65536f, 32768f, 32768f, 32768f, 65536f, 65536f }, file.Scalars(LossScaleTag).Select(v => v.Value));
        Assert.Equal(new[] { 0f, 1f, 1f, 1f, 1f, 1f }, file.Scalars(LossScaleBackOffsTag).Select(v => v.Value));
        Assert.Equal(scaler.Overflows, file.Last(LossScaleBackOffsTag));

        // Under the guard, with no log of its own: the guard writes the scale with its step's other values.
        var guarded = Path.Combine(_folder, "guarded");
        var second = new LossScaler();
        using var guard = new TrainingGuard(model, optimizer) { Log = new TensorBoardLog(torch.utils.tensorboard.SummaryWriter(guarded), interval: 2) };
        for (var step = 1; step <= 5; step++)
        {
            using var batch = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = Loss(model, step);
            second.scale(loss).backward();
            if (step == 3)
            {
                Batches.PoisonGradient(model.parameters().First());
            }

            guard.Step(loss, second);
        }

        var underGuard = EventFile.InFolder(guarded);
        Assert.Equal(new[] { (2L, 65536f), (3L, 32768f), (4L, 32768f) }, underGuard.Scalars(LossScaleTag));
        Assert.Equal(new[] { 0f, 1f, 1f }, underGuard.Scalars(LossScaleBackOffsTag).Select(v => v.Value));
        Assert.Equal(new[] { 0f, 0f, 0f }, underGuard.Scalars(IncidentTag).Select(v => v.Value));   // an overflow is no incident
        Assert.Equal(new[] { 2L, 3L, 4L }, underGuard.Scalars(LossTag).Select(v => v.Step));
        Assert.Equal(1f, underGuard.Last(StepsSkippedTag));
    }

    [Fact]
    public void A_rollback_requested_between_steps_is_written_at_the_last_step_with_the_new_count()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _) = Model(seed: 76);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.05);
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions { Policy = GuardPolicy.Rollback })
        {
            Log = new TensorBoardLog(torch.utils.tensorboard.SummaryWriter(_folder), interval: 100),
        };
        for (var step = 1; step <= 3; step++)
        {
            using var batch = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = Loss(model, step);
            loss.backward();
            guard.Step(loss);
        }

        Assert.True(guard.Rollback());

        var file = EventFile.InFolder(_folder);
        var text = Assert.Single(file.Texts(DiagnosisTag));
        Assert.Equal(3, text.Step);
        Assert.StartsWith("step 3: a rollback was requested", text.Text);
        Assert.Equal(new[] { (3L, 1f) }, file.Scalars(RollbacksTag));
        Assert.Empty(file.Scalars(LossTag));   // interval 100: no step was due, and a request is no step
    }

    [Fact]
    public void A_watch_logs_each_loss_and_its_rollback_at_the_spike_step()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _) = Model(seed: 74);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.05);
        using var watch = new DivergenceWatch(model, optimizer, new GuardOptions
        {
            Policy = GuardPolicy.Rollback,
            SpikeDetection = new SpikeOptions { SpikeFactor = 5.0 },
        })
        { Log = new TensorBoardLog(torch.utils.tensorboard.SummaryWriter(_folder)) };
        var incidents = new List<GuardDiagnosis>();
        watch.Incident += (_, e) => incidents.Add(e.Diagnosis);
        for (var step = 1; step <= Steps; step++)
        {
            using var batch = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = Loss(model, step);
            if (watch.Observe(loss))
            {
                loss.backward();
                optimizer.step();
            }
        }

        var file = EventFile.InFolder(_folder);
        var incident = Assert.Single(incidents);
        Assert.Equal(SpikeStep, incident.StepIndex);
        Assert.Equal(StepAction.Rollback, incident.Action);
        Assert.Equal(new[] { ((long)SpikeStep, incident.ToString()) }, file.Texts(DiagnosisTag));
        Assert.Equal(Steps, file.Scalars(LossTag).Count);
        Assert.Equal(new[] { 0f, 1f }, file.Scalars(RollbacksTag).Select(v => v.Value).Distinct());
        Assert.Equal(watch.Statistics.Rollbacks, file.Last(RollbacksTag));
        Assert.Equal(watch.Statistics.StepsSkipped, file.Last(StepsSkippedTag));
        Assert.DoesNotContain(GradientNormTag, file.Tags());   // the watch judges the loss before backward: it has no norm
        Assert.Contains(file.Scalars(SpikeThresholdTag), v => v.Step == SpikeStep);
    }

    [Fact]
    public void GradientCheck_names_the_boundary_where_the_NaN_began_in_the_backward_pass()
    {
        using var scope = torch.NewDisposeScope();
        var (model, injector) = Model(seed: 75);
        injector.Armed = true;
        var loss = Loss(model, 1);
        loss.backward();
        var fc2 = model.named_parameters().Where(p => p.name.StartsWith("fc2.", StringComparison.Ordinal)).Select(p => p.parameter).ToList();

        var check = GradientCheck.Of(model);
        var boundary = check.Boundary!;
        Assert.True(double.IsFinite(loss.ToDouble()));
        Assert.Equal(new[] { "fc1", "fc2" }, boundary.Modules.Select(m => m.ModulePath));
        Assert.Equal(("fc1", "fc2"), (boundary.FirstNonFiniteModule!.ModulePath, boundary.LastFiniteModule!.ModulePath));
        Assert.Equal(2, boundary.Modules[0].NonFiniteParameters);
        Close(GradientNorm(fc2), boundary.Modules[1].Norm, 1e-6, "fc2's norm");
        Assert.Contains(boundary.ToString(), check.ToString());

        injector.Armed = false;
        model.zero_grad();
        Loss(model, 1).backward();
        Assert.Null(GradientCheck.Of(model).Boundary);
    }

    [Fact]
    public void The_reader_checks_both_checksums_of_every_record_as_TensorBoard_does()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));   // CRC-32C's check value
        var writer = torch.utils.tensorboard.SummaryWriter(_folder);
        writer.add_scalar("a", 1.5f, 3);
        writer.add_text("b", "text", 4);
        var path = EventFile.InFolder(_folder).Path;
        Assert.Equal(new[] { (3L, 1.5f) }, EventFile.Read(path).Scalars("a"));
        Assert.Equal(new[] { (4L, "text") }, EventFile.Read(path).Texts("b"));

        var bytes = File.ReadAllBytes(path);
        var second = 12 + (int)BitConverter.ToUInt64(bytes, 0) + 4;   // the record after the file-version event
        Corrupt(path, bytes, second + 8);
        Assert.Contains("the length's checksum is wrong", Assert.Throws<InvalidDataException>(() => EventFile.Read(path)).Message);
        Corrupt(path, bytes, second + 14);
        Assert.Contains("the data's checksum is wrong", Assert.Throws<InvalidDataException>(() => EventFile.Read(path)).Message);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 2).ToArray());
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => EventFile.Read(path)).Message);
    }

    private static void Corrupt(string path, byte[] original, int at)
    {
        var copy = (byte[])original.Clone();
        copy[at] ^= 0x40;
        File.WriteAllBytes(path, copy);
    }

    /// <summary>fc1, tanh, an injector that can make the backward pass NaN while the forward stays finite, fc2.</summary>
    private static (Sequential Model, Injector Injector) Model(long seed)
    {
        torch.manual_seed(seed);
        var injector = new Injector();
        var model = nn.Sequential(("fc1", nn.Linear(3, 8)), ("act", nn.Tanh()), ("inject", injector), ("fc2", nn.Linear(8, 2)));
        return (model, injector);
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

    /// <summary>
    /// When armed, x + sqrt(x - x): the forward is x, unchanged and finite, and the backward is NaN (0 times the
    /// infinite derivative of sqrt at 0) from here back to the input: the NaN begins between fc2 and fc1.
    /// </summary>
    private sealed class Injector : nn.Module<Tensor, Tensor>
    {
        internal Injector() : base(nameof(Injector))
        {
        }

        internal bool Armed { get; set; }

        public override Tensor forward(Tensor input)
        {
            if (!Armed)
            {
                return input.alias();
            }

            using var zero = input - input;
            using var root = zero.sqrt();
            return input + root;
        }
    }
}
