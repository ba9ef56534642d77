// The runtime's overhead (docs/runtime.md#overhead): process CPU time per training step and host synchronisations per
// step, for a plain step, a clipped step and each of NanGuard.Runtime's guarded forms, on a tiny model and on one of
// 3.2 million parameters. Variants run interleaved, in rounds, and the figure is the median over rounds: the machine is
// shared and noisy. Run: dotnet run -c Release --project tests/NanGuard.Runtime.Benchmarks [-- --rounds 9 --threads 1]
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NanGuard.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

static class Program
{
    static void Main(string[] args)
    {
        var rounds = Option(args, "--rounds", 9);
        torch.set_num_threads(Option(args, "--threads", 1));
        Console.WriteLine($"NanGuard.Runtime overhead: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
            $"torch threads {torch.get_num_threads()}, {rounds} interleaved rounds; median CPU ms per step (wall ms), host synchronisations per step");
        Run(new Setup("tiny (MLP 16-32-4, 676 parameters, batch 32)", 16, 32, 4, 32, steps: 200), rounds);
        Run(new Setup("large (MLP 1024-2048-512-10, 3.2 M parameters, batch 64)", 1024, 2048, 512, 64, steps: 10, extra: true), rounds);
        if (Directory.Exists(Logged.Folder))
        {
            Directory.Delete(Logged.Folder, recursive: true);
        }
    }

    static void Run(Setup setup, int rounds)
    {
        var variants = Variants();
        var cpu = variants.ToDictionary(v => v.Name, _ => new List<double>());
        var wall = variants.ToDictionary(v => v.Name, _ => new List<double>());
        var syncs = new Dictionary<string, double>();
        var parameters = 0L;
        for (var round = 0; round <= rounds; round++)
        {
            foreach (var variant in variants)
            {
                torch.manual_seed(1);
                var model = setup.Model();
                parameters = model.parameters().Sum(p => p.numel());
                using var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-4);
                using var step = variant.Create(model, optimizer);
                var (x, y) = setup.Batch();
                step.Step(x, y);
                var process = Process.GetCurrentProcess();
                var cpu0 = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var syncs0 = HostSynchronizations.Count;
                for (var i = 0; i < setup.Steps; i++)
                {
                    step.Step(x, y);
                }

                var syncsPerStep = (HostSynchronizations.Count - syncs0) / (double)setup.Steps;
                clock.Stop();
                process.Refresh();
                if (round == 0)
                {
                    continue;  // warm-up round
                }

                cpu[variant.Name].Add((process.TotalProcessorTime - cpu0).TotalMilliseconds / setup.Steps);
                wall[variant.Name].Add(clock.Elapsed.TotalMilliseconds / setup.Steps);
                syncs[variant.Name] = syncsPerStep + variant.UncountedSyncs;
                x.Dispose();
                y.Dispose();
                model.Dispose();
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{setup.Name}: {parameters} parameters");
        var baseline = Median(cpu[variants[0].Name]);
        Console.WriteLine($"  {"variant",-52} {"CPU ms/step",12} {"vs plain",9} {"wall ms",9} {"syncs/step",11}");
        foreach (var variant in variants)
        {
            var median = Median(cpu[variant.Name]);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,-52} {1,12:F3} {2,8:+0.0;-0.0}% {3,9:F3} {4,11:F1}",
                variant.Name, median, 100 * (median / baseline - 1), Median(wall[variant.Name]), syncs[variant.Name]));
        }
    }

    static List<Variant> Variants() => new()
    {
        new("plain: optimizer.step()", 0, (m, o) => new Plain(m, o)),
        new("clipped: clip_grad_norm_ + step()", 1, (m, o) => new Clipped(m, o)),
        new("GuardedStep.ClipAndStep", 0, (m, o) => new Guarded(m, o)),
        new("TrainingGuard.Step(loss)", 0, (m, o) => new Guard(m, o, null, false)),
        new("TrainingGuard.Step(loss) + rolling-sigma spikes", 0, (m, o) => new Guard(m, o, SpikeOptions.RollingSigma(), false)),
        new("TrainingGuard.Step(loss, LossScaler)", 0, (m, o) => new Scaled(m, o)),
        new("TrainingGuard + NanDetector (forward hooks)", 0, (m, o) => new Guard(m, o, null, true)),
        new("TrainingGuard + spikes + TensorBoardLog (every step)", 0, (m, o) => new Logged(m, o, 1)),
        new("TrainingGuard + spikes + TensorBoardLog (every 10)", 0, (m, o) => new Logged(m, o, 10)),
        new("clipped + GradientCheck.Of", 1, (m, o) => new Checked(m, o)),
    };

    static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

/// <summary>A model shape and its batch.</summary>
sealed class Setup
{
    private readonly long _inputs, _hidden, _second, _batch;
    private readonly bool _extra;

    public Setup(string name, long inputs, long hidden, long second, long batch, int steps, bool extra = false)
    {
        Name = name;
        _inputs = inputs;
        _hidden = hidden;
        _second = second;
        _batch = batch;
        _extra = extra;
        Steps = steps;
    }

    public string Name { get; }
    public int Steps { get; }

    public nn.Module<Tensor, Tensor> Model() => _extra
        ? nn.Sequential(("fc1", nn.Linear(_inputs, _hidden)), ("act1", nn.ReLU()), ("fc2", nn.Linear(_hidden, _second)), ("act2", nn.ReLU()), ("fc3", nn.Linear(_second, 10)))
        : nn.Sequential(("fc1", nn.Linear(_inputs, _hidden)), ("act1", nn.Tanh()), ("fc2", nn.Linear(_hidden, _second)));

    public (Tensor X, Tensor Y) Batch()
    {
        var x = torch.randn(_batch, _inputs);
        var y = torch.randint(_extra ? 10 : _second, new[] { _batch });
        return (x, y);
    }
}

/// <summary>One way of taking a training step. <c>UncountedSyncs</c>: synchronisations TorchSharp makes that the runtime's counter cannot see (clip_grad_norm_ returns a double).</summary>
sealed record Variant(string Name, double UncountedSyncs, Func<nn.Module<Tensor, Tensor>, optim.Optimizer, StepForm> Create);

abstract class StepForm : IDisposable
{
    protected StepForm(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer)
    {
        Model = model;
        Optimizer = optimizer;
    }

    protected nn.Module<Tensor, Tensor> Model { get; }
    protected optim.Optimizer Optimizer { get; }

    public void Step(Tensor x, Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        Optimizer.zero_grad();
        var loss = F.cross_entropy(Model.call(x), y);
        Finish(loss);
    }

    protected abstract void Finish(Tensor loss);

    public virtual void Dispose()
    {
    }
}

sealed class Plain : StepForm
{
    public Plain(nn.Module<Tensor, Tensor> m, optim.Optimizer o) : base(m, o) { }
    protected override void Finish(Tensor loss) { loss.backward(); Optimizer.step(); }
}

sealed class Clipped : StepForm
{
    public Clipped(nn.Module<Tensor, Tensor> m, optim.Optimizer o) : base(m, o) { }
    protected override void Finish(Tensor loss) { loss.backward(); torch.nn.utils.clip_grad_norm_(Model.parameters(), 1.0); Optimizer.step(); }
}

sealed class Guarded : StepForm
{
    public Guarded(nn.Module<Tensor, Tensor> m, optim.Optimizer o) : base(m, o) { }
    protected override void Finish(Tensor loss) { loss.backward(); GuardedStep.ClipAndStep(Optimizer, Model.parameters(), 1.0); }
}

sealed class Checked : StepForm
{
    public Checked(nn.Module<Tensor, Tensor> m, optim.Optimizer o) : base(m, o) { }
    protected override void Finish(Tensor loss)
    {
        loss.backward();
        GradientCheck.Of(Model);
        torch.nn.utils.clip_grad_norm_(Model.parameters(), 1.0);
        Optimizer.step();
    }
}

sealed class Guard : StepForm
{
    private readonly TrainingGuard _guard;
    private readonly NanDetector? _detector;

    public Guard(nn.Module<Tensor, Tensor> m, optim.Optimizer o, SpikeOptions? spikes, bool detector) : base(m, o)
    {
        _guard = new TrainingGuard(m, o, new GuardOptions { SpikeDetection = spikes, MaxConsecutiveBadSteps = 1000 });
        _detector = detector ? new NanDetector(m) : null;
        _guard.Detector = _detector;
    }

    protected override void Finish(Tensor loss) { loss.backward(); _guard.Step(loss); }

    public override void Dispose() { _detector?.Dispose(); _guard.Dispose(); }
}

/// <summary>The guard with rolling-sigma spikes (so the threshold tags are written too) logging to a SummaryWriter in a temporary folder.</summary>
sealed class Logged : StepForm
{
    public static readonly string Folder = Path.Combine(Path.GetTempPath(), "nanguard-runtime-benchmark-" + Environment.ProcessId);
    private static int _runs;
    private readonly TrainingGuard _guard;

    public Logged(nn.Module<Tensor, Tensor> m, optim.Optimizer o, int interval) : base(m, o)
    {
        var writer = torch.utils.tensorboard.SummaryWriter(Path.Combine(Folder, (++_runs).ToString(CultureInfo.InvariantCulture)));
        _guard = new TrainingGuard(m, o, new GuardOptions { SpikeDetection = SpikeOptions.RollingSigma(), MaxConsecutiveBadSteps = 1000 })
        {
            Log = new TensorBoardLog(writer, interval),
        };
        _guard.Log.Failed += (_, _) => throw new InvalidOperationException("the benchmark's log failed", _guard.Log.Error);
    }

    protected override void Finish(Tensor loss) { loss.backward(); _guard.Step(loss); }

    public override void Dispose() => _guard.Dispose();
}

sealed class Scaled : StepForm
{
    private readonly TrainingGuard _guard;
    private readonly LossScaler _scaler = new();

    public Scaled(nn.Module<Tensor, Tensor> m, optim.Optimizer o) : base(m, o) => _guard = new TrainingGuard(m, o);

    protected override void Finish(Tensor loss) { _scaler.scale(loss).backward(); _guard.Step(loss, _scaler); }

    public override void Dispose() => _guard.Dispose();
}
