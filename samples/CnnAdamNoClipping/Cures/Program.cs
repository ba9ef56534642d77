// What cures ../Buggy, measured: the same CNN, data, batches and initial weights, trained for 100 updates with one
// change at a time; then plain SGD, where clipping is the cure. With --rates: the sweep behind NG2003's threshold, the
// Buggy loop as written at each learning rate, on the pixels as stored (0..255) and scaled to 0..1. Step 0 is the loss
// of the initial weights, step k the loss after k updates; "NaN at step k" is the first non-finite loss.
// With --rates --optimizer NAME (sgd, sgd-momentum, adamw, rmsprop, adagrad): the same sweep with that optimizer in
// place of Adam, over rates from 1e-4 to 1 (the rates behind NG2003's per-optimizer thresholds).
// Run it: dotnet run --project samples/CnnAdamNoClipping/Cures [-- [--rates [--optimizer NAME]] [--seed 2]]
using System;
using System.Linq;
using NanGuard.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

sealed class SmallCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = nn.Conv2d(1, 16, 3);
    private readonly Conv2d conv2 = nn.Conv2d(16, 32, 3);
    private readonly Linear head = nn.Linear(32 * 24 * 24, 10);

    public SmallCnn() : base(nameof(SmallCnn)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        var features = F.relu(conv2.call(F.relu(conv1.call(x))));
        return head.call(features.reshape(features.shape[0], -1));
    }
}

/// <summary>One training run: what is changed from ../Buggy.</summary>
sealed record Run(string Name, double LearningRate, bool ScaledPixels, bool HandWrittenLoss, Step Step, bool Sgd = false, string Optimizer = null);

enum Step
{
    /// <summary>optimizer.step(), as ../Buggy.</summary>
    Plain,

    /// <summary>clip_grad_norm_(1.0), then optimizer.step().</summary>
    Clipped,

    /// <summary>GuardedStep.ClipAndStep(1.0): clip, and skip the step where the norm is not finite (NG2001's fix as the code fix writes it).</summary>
    Guarded,
}

/// <summary>What a run did.</summary>
sealed record Outcome(int? FirstNaNStep, double FirstLoss, double LastLoss, double LargestLogit, int Skipped, bool WeightsFinite, double TestAccuracy);

static class Program
{
    const int Steps = 100;
    const int BatchSize = 50;

    static void Main(string[] args)
    {
        var seedAt = Array.IndexOf(args, "--seed");
        var seed = seedAt >= 0 && seedAt + 1 < args.Length ? int.Parse(args[seedAt + 1]) : 1;
        torch.set_num_threads(1);
        var (trainImages, trainLabels) = SyntheticDigits.Make(6000, seed: 1001, scale: 255);
        var (testImages, testLabels) = SyntheticDigits.Make(1000, seed: 2001, scale: 255);
        if (args.Contains("--rates"))
        {
            var optimizerAt = Array.IndexOf(args, "--optimizer");
            if (optimizerAt >= 0 && optimizerAt + 1 < args.Length)
                OtherRates(args[optimizerAt + 1], seed, trainImages, trainLabels, testImages, testLabels);
            else
                Rates(seed, trainImages, trainLabels, testImages, testLabels);
            return;
        }

        Console.WriteLine($"What each change does to ../Buggy (Adam, pixels 0..255, batch {BatchSize}, {Steps} updates, seed {seed}):");
        Print(seed, trainImages, trainLabels, testImages, testLabels, new[]
        {
            new Run("as written (Buggy)", 0.01, false, true, Step.Plain),
            new Run("+ clip_grad_norm_ 1.0", 0.01, false, true, Step.Clipped),
            new Run("+ guarded step (clip, skip non-finite)", 0.01, false, true, Step.Guarded),
            new Run("+ cross_entropy (NG1002's fix)", 0.01, false, false, Step.Plain),
            new Run("+ cross_entropy + guarded step", 0.01, false, false, Step.Guarded),
            new Run("lr 1e-4 only", 1e-4, false, true, Step.Plain),
            new Run("Fixed: both fixes + lr 1e-4", 1e-4, false, false, Step.Guarded),
        });

        Console.WriteLine();
        Console.WriteLine($"Where clipping is the cure: plain SGD, whose update is lr times the gradient, with cross_entropy, seed {seed}:");
        Print(seed, trainImages, trainLabels, testImages, testLabels, new[]
        {
            new Run("SGD + cross_entropy", 0.1, false, false, Step.Plain, Sgd: true),
            new Run("SGD + cross_entropy + clip_grad_norm_", 0.1, false, false, Step.Clipped, Sgd: true),
        });
    }

    /// <summary>The rate sweep behind NG2003's threshold: ../Buggy as written at each rate, on raw and scaled pixels.</summary>
    static void Rates(int seed, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels)
    {
        Console.WriteLine($"Learning rates, the Buggy loop as written (Adam, hand-written loss, no clipping, {Steps} updates), seed {seed}:");
        // Below 1e-3 every run on scaled pixels is finite and only learns more slowly: not run, to keep this short.
        Print(seed, trainImages, trainLabels, testImages, testLabels,
            new[] { 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1 }.Select(lr => new Run("pixels 0..255", lr, false, true, Step.Plain))
                 .Concat(new[] { 1e-3, 3e-3, 1e-2, 3e-2, 1e-1 }.Select(lr => new Run("pixels 0..1", lr, true, true, Step.Plain)))
                 .ToArray());
    }

    /// <summary>The same sweep with another optimizer in place of Adam, over a wider range of rates.</summary>
    static void OtherRates(string optimizer, int seed, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels)
    {
        if (Array.IndexOf(new[] { "sgd", "sgd-momentum", "adamw", "rmsprop", "adagrad" }, optimizer) < 0)
            throw new ArgumentException($"--optimizer: '{optimizer}' is not one of sgd, sgd-momentum, adamw, rmsprop, adagrad.");
        Console.WriteLine($"Learning rates, the Buggy loop with {optimizer} (hand-written loss, no clipping, {Steps} updates), seed {seed}:");
        var rates = new[] { 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1 };
        Print(seed, trainImages, trainLabels, testImages, testLabels,
            rates.Select(lr => new Run("pixels 0..255", lr, false, true, Step.Plain, Optimizer: optimizer))
                 .Concat(rates.Select(lr => new Run("pixels 0..1", lr, true, true, Step.Plain, Optimizer: optimizer)))
                 .ToArray());
    }

    static void Print(int seed, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels, Run[] runs)
    {
        Console.WriteLine($"  {"run",-40} {"lr",7}  {"NaN at",8}  {"loss 0",8}  {"last loss",9}  {"largest |logit|",15}  {"skipped",7}  {"weights",7}  {"test acc",8}");
        foreach (var run in runs)
        {
            var o = Train(run, seed, trainImages, trainLabels, testImages, testLabels);
            var nanAt = o.FirstNaNStep is int s ? $"step {s}" : "-";
            Console.WriteLine($"  {run.Name,-40} {run.LearningRate,7:G2}  {nanAt,8}  {o.FirstLoss,8:G4}  {o.LastLoss,9:G4}  {o.LargestLogit,15:G4}  {o.Skipped,7}  {(o.WeightsFinite ? "finite" : "NaN"),7}  {100 * o.TestAccuracy,7:F1}%");
        }
    }

    static Outcome Train(Run run, int seed, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels)
    {
        torch.manual_seed(seed);
        var model = new SmallCnn();
        torch.optim.Optimizer optimizer = run.Optimizer switch
        {
            "sgd" => torch.optim.SGD(model.parameters(), learningRate: run.LearningRate),
            "sgd-momentum" => torch.optim.SGD(model.parameters(), learningRate: run.LearningRate, momentum: 0.9),
            "adamw" => torch.optim.AdamW(model.parameters(), lr: run.LearningRate, weight_decay: 0.01),
            "rmsprop" => torch.optim.RMSProp(model.parameters(), lr: run.LearningRate),
            "adagrad" => torch.optim.Adagrad(model.parameters(), lr: run.LearningRate),
            _ when run.Sgd => torch.optim.SGD(model.parameters(), learningRate: run.LearningRate),
            _ => torch.optim.Adam(model.parameters(), lr: run.LearningRate),
        };
        var order = torch.randperm(trainImages.shape[0]);
        int? firstNaN = null;
        double firstLoss = 0, lastLoss = 0, largestLogit = 0;
        var skipped = 0;
        for (var step = 0; step <= Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = order[TensorIndex.Slice(step * BatchSize, (step + 1) * BatchSize)];
            var images = trainImages.index_select(0, batch);
            if (run.ScaledPixels)
                images = images / 255;
            var labels = trainLabels.index_select(0, batch);
            var targets = F.one_hot(labels, 10);

            optimizer.zero_grad();
            var logits = model.call(images);
            var loss = run.HandWrittenLoss
                ? -(targets * torch.log(F.softmax(logits, 1))).sum()  // NanGuard: NG1002
                : F.cross_entropy(logits, labels, reduction: torch.nn.Reduction.Sum);
            loss.backward();
            switch (run.Step)
            {
                case Step.Plain:
                    optimizer.step();
                    break;
                case Step.Clipped:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);  // NanGuard: NG2002
                    optimizer.step();
                    break;
                case Step.Guarded:
                    if (!GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0).Stepped)
                        skipped++;
                    break;
            }

            var value = loss.item<float>();
            if (step == 0)
                firstLoss = value;
            lastLoss = value;
            largestLogit = Math.Max(largestLogit, logits.abs().max().item<float>());
            if (float.IsNaN(value))
            {
                firstNaN ??= step;
                // An unguarded run never comes back from NaN weights: stop there. A guarded one runs on, skipping.
                if (run.Step != Step.Guarded)
                    break;
            }
        }

        var finite = model.parameters().All(p => p.isfinite().all().item<bool>());
        return new Outcome(firstNaN, firstLoss, lastLoss, largestLogit, skipped, finite, Accuracy(model, testImages, testLabels, run.ScaledPixels));
    }

    static double Accuracy(SmallCnn model, Tensor images, Tensor labels, bool scaled)
    {
        using var _ = torch.no_grad();
        var input = scaled ? images / 255 : images;
        return model.call(input).argmax(1).eq(labels).sum().item<long>() / (double)labels.shape[0];
    }
}

/// <summary>
/// Seven-segment digits drawn at a random size, place, slant and stroke width, with noise: 28x28 images with
/// pixels in [0, scale],
/// learnable, generated from a seed (no download).
/// </summary>
static class SyntheticDigits
{
    // Segments: a top, b upper right, c lower right, d bottom, e lower left, f upper left, g middle.
    static readonly string[] Segments = { "abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg" };

    public static (Tensor Images, Tensor Labels) Make(int count, int seed, float scale)
    {
        var random = new Random(seed);
        var pixels = new float[count * 784];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % 10;
            Draw(pixels.AsSpan(i * 784, 784), i % 10, random, scale);
        }

        return (torch.tensor(pixels, new long[] { count, 1, 28, 28 }), torch.tensor(labels));
    }

    static void Draw(Span<float> image, int digit, Random random, float scale)
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
            image[k] = Math.Clamp(image[k] + (float)((random.NextDouble() - 0.5) * 0.3), 0f, 1f) * scale;
    }

    static double Distance(double px, double py, double ax, double ay, double bx, double by)
    {
        double dx = bx - ax, dy = by - ay;
        var t = Math.Clamp(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0, 1);
        double cx = ax + t * dx - px, cy = ay + t * dy - py;
        return Math.Sqrt(cx * cx + cy * cy);
    }
}
