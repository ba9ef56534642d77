// The runtime rescuing a run: ../Buggy's classifier, data and optimizer, with the log of the softmax moved into the
// model (it outputs log-probabilities, and the loss is F.nll_loss of them), trained under NanGuard.Runtime's
// TrainingGuard (policy Rollback) with a NanDetector watching every module. The bug is still there: from step 1423,
// the step at which ../Buggy's loss went NaN, a probability now and then underflows to 0 and the model's output holds
// -inf. The loss stays finite (nll_loss reads only the true class), but the gradient is NaN (0 / 0 in log's
// backward). Each time, the detector names the module and the guard restores the last known-good weights instead of
// stepping: 18 times in 25 epochs, which end with every weight finite and 99.8% test accuracy. The incidents come
// more often as the model grows more confident: they are the sign to fix the loss (F.log_softmax, NG1001's fix).
// The guard also writes the run's health for TensorBoard (loss, gradient norm, counts, each incident as text, and the
// per-module gradient norms of each incident) into artifacts/tensorboard/MnistSoftmaxLoss.Guarded: the sample prints
// the folder; open it with `tensorboard --logdir artifacts/tensorboard`.
// Run it: dotnet run --project samples/MnistSoftmaxLoss/Guarded
using System;
using System.IO;
using System.Linq;
using NanGuard.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

sealed class Classifier : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden = nn.Linear(784, 128);
    private readonly Linear output = nn.Linear(128, 10);

    public Classifier() : base(nameof(Classifier)) => RegisterComponents();

    public override Tensor forward(Tensor images) =>
        torch.log(F.softmax(output.call(F.relu(hidden.call(images.flatten(1)))), 1));  // NanGuard: NG1001
}

static class Program
{
    const int Epochs = 25;
    const int BatchSize = 64;

    static void Main()
    {
        torch.manual_seed(1);
        torch.set_num_threads(1);
        var (trainImages, trainLabels) = SyntheticDigits.Make(6000, seed: 1001);
        var (testImages, testLabels) = SyntheticDigits.Make(1000, seed: 2001);
        var model = new Classifier();
        var optimizer = torch.optim.Adam(model.parameters(), lr: 0.005);

        // MaxNorm = infinity: the guard measures the gradient norm without clipping it, so it changes nothing until
        // the first bad step. (With the default MaxNorm of 1.0 the first incident came at step 426, in epoch 5, and 62
        // steps were rolled back instead of 18: with Adam, clipping made the logits drift apart sooner.)
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions
        {
            Policy = GuardPolicy.Rollback,
            MaxNorm = double.PositiveInfinity,
        });
        // The TensorBoard log: every step (interval 1) and every incident. One event file a run: the previous run's go.
        var logDir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "tensorboard", "MnistSoftmaxLoss.Guarded"));
        if (Directory.Exists(logDir))
            foreach (var old in Directory.GetFiles(logDir, "events.out.tfevents.*"))
                File.Delete(old);
        guard.Log = new TensorBoardLog(torch.utils.tensorboard.SummaryWriter(logDir));
        Console.WriteLine($"TensorBoard log: {logDir} (open it with: tensorboard --logdir {logDir})");
        using var detector = new NanDetector(model);
        NanOffender offender = null;
        guard.Incident += (_, e) => Console.WriteLine(Describe(e.Diagnosis, offender));
        Console.WriteLine("epoch  train loss  train acc  test loss  test acc  rollbacks");

        for (var epoch = 1; epoch <= Epochs; epoch++)
        {
            var order = torch.randperm(trainImages.shape[0]);
            double lossSum = 0;
            long correct = 0;
            for (long start = 0; start < trainImages.shape[0]; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var batch = order[TensorIndex.Slice(start, start + BatchSize)];
                var images = trainImages.index_select(0, batch);
                var labels = trainLabels.index_select(0, batch);

                optimizer.zero_grad();
                detector.Reset();
                var logProbabilities = model.call(images);
                offender = detector.FirstOffender;
                var loss = F.nll_loss(logProbabilities, labels, reduction: torch.nn.Reduction.Sum);
                loss.backward();
                guard.Step(loss);

                lossSum += loss.item<float>();
                correct += logProbabilities.argmax(1).eq(labels).sum().item<long>();
            }

            var (testLoss, testAccuracy) = Evaluate(model, testImages, testLabels);
            Console.WriteLine($"{epoch,5}  {lossSum / trainImages.shape[0],10:G4}  {100.0 * correct / trainImages.shape[0],8:F1}%  {testLoss,9:G4}  {100 * testAccuracy,7:F1}%  {guard.Statistics.Rollbacks,9}");
        }

        var statistics = guard.Statistics;
        var finite = model.parameters().Sum(p => p.isfinite().sum().item<long>());
        var weights = model.parameters().Sum(p => p.numel());
        Console.WriteLine($"Finished {Epochs} epochs: {statistics.StepsTaken} of {statistics.StepsObserved} steps taken, {statistics.Rollbacks} rolled back; {finite} of {weights} weights finite.");
        if (guard.Log.Error is { } error)
            Console.WriteLine($"The TensorBoard log stopped at step {guard.Log.FailedAtStep}: {error.Message}");
    }

    static string Describe(GuardDiagnosis diagnosis, NanOffender offender)
    {
        var what = offender is null
            ? "no module output was non-finite"
            : $"module '{offender.ModuleName}' ({offender.ModuleType}) output {Shape(offender.Report)}: {Counts(offender.Report.Statistics)}";
        var action = diagnosis.Action == StepAction.Rollback
            ? $"rolled back to the weights after step {diagnosis.SnapshotStep}"
            : diagnosis.Action.ToString();
        return $"  step {diagnosis.StepIndex}: {what}; loss {diagnosis.Loss:G4}, gradient norm {diagnosis.GradientNorm}; {action}";
    }

    static string Shape(TensorReport report) => "[" + string.Join(", ", report.Shape) + "]";

    static string Counts(FiniteStatistics statistics) =>
        $"{statistics.NaNCount} NaN, {statistics.PositiveInfinityCount} +inf, {statistics.NegativeInfinityCount} -inf of {statistics.Count}";

    static (double Loss, double Accuracy) Evaluate(Classifier model, Tensor images, Tensor labels)
    {
        using var _ = torch.no_grad();
        var logProbabilities = model.call(images);
        var accuracy = logProbabilities.argmax(1).eq(labels).sum().item<long>() / (double)labels.shape[0];
        return (F.nll_loss(logProbabilities, labels).item<float>(), accuracy);
    }
}

/// <summary>
/// Seven-segment digits drawn at a random size, place, slant and stroke width, with noise: 28x28 images in [0, 1],
/// learnable, generated from a seed (no download).
/// </summary>
static class SyntheticDigits
{
    // Segments: a top, b upper right, c lower right, d bottom, e lower left, f upper left, g middle.
    static readonly string[] Segments = { "abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg" };

    public static (Tensor Images, Tensor Labels) Make(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * 784];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % 10;
            Draw(pixels.AsSpan(i * 784, 784), i % 10, random);
        }

        return (torch.tensor(pixels, new long[] { count, 1, 28, 28 }), torch.tensor(labels));
    }

    static void Draw(Span<float> image, int digit, Random random)
    {
        var width = 8 + random.Next(5);
        var height = 14 + random.Next(5);
        double left = 4 + random.Next(20 - width), top = 3 + random.Next(22 - height);
        var stroke = 0.6 + random.NextDouble();
        var slant = (random.NextDouble() - 0.5) * 0.4;
        double right = left + width, middle = top + height / 2.0, bottom = top + height;
        foreach (var segment in Segments[digit])
        {
            var (ax, ay, bx, by) = segment switch
            {
                'a' => (left, top, right, top),
                'b' => (right, top, right, middle),
                'c' => (right, middle, right, bottom),
                'd' => (left, bottom, right, bottom),
                'e' => (left, middle, left, bottom),
                'f' => (left, top, left, middle),
                _ => (left, middle, right, middle),
            };
            for (var y = 0; y < 28; y++)
                for (var x = 0; x < 28; x++)
                {
                    var ink = Math.Clamp(stroke + 0.5 - Distance(x + slant * (y - 14), y, ax, ay, bx, by), 0, 1);
                    image[y * 28 + x] = Math.Max(image[y * 28 + x], (float)ink);
                }
        }

        for (var k = 0; k < 784; k++)
            image[k] = Math.Clamp(image[k] + (float)((random.NextDouble() - 0.5) * 0.3), 0f, 1f);
    }

    static double Distance(double px, double py, double ax, double ay, double bx, double by)
    {
        double dx = bx - ax, dy = by - ay;
        var t = Math.Clamp(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0, 1);
        double cx = ax + t * dx - px, cy = ay + t * dy - py;
        return Math.Sqrt(cx * cx + cy * cy);
    }
}
