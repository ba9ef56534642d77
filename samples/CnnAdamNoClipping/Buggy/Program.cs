// A small ReLU CNN fed the pixels as stored (0..255, not scaled to 0..1), with a hand-written sum cross entropy,
// trained by Adam at lr 0.01 with no gradient clipping. Step 0 (the initial weights) has a loss of 534.2 and a
// largest |logit| of 27.8. Adam's first update moves every weight by lr, whatever the gradient's size (so clipping
// the gradient does not shrink it), and on inputs of up to 255 that is enough: at step 1 the largest |logit| is 451,
// a softmax probability underflows to 0, log(0) = -inf, and the loss and the gradient are NaN; the update that
// follows writes NaN into all 189,130 weights. (Seed 1, libtorch 2.10 on the CPU; seed 2: 617.3, then 926.5 and NaN.)
// Run it: dotnet run --project samples/CnnAdamNoClipping/Buggy
using System;
using System.Linq;
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

static class Program
{
    const int Steps = 100;
    const int BatchSize = 50;

    static void Main()
    {
        torch.manual_seed(1);
        torch.set_num_threads(1);
        var (trainImages, trainLabels) = SyntheticDigits.Make(6000, seed: 1001, scale: 255);
        var (testImages, testLabels) = SyntheticDigits.Make(1000, seed: 2001, scale: 255);
        var model = new SmallCnn();
        var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);  // NanGuard: NG2003
        Console.WriteLine("step        loss  largest |logit|  gradient norm");

        var order = torch.randperm(trainImages.shape[0]);
        for (var step = 0; step <= Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = order[TensorIndex.Slice(step * BatchSize, (step + 1) * BatchSize)];
            var images = trainImages.index_select(0, batch);
            var labels = trainLabels.index_select(0, batch);
            var targets = F.one_hot(labels, 10);

            optimizer.zero_grad();
            var logits = model.call(images);
            var loss = -(targets * torch.log(F.softmax(logits, 1))).sum();  // NanGuard: NG1002
            loss.backward();
            var gradientNorm = GradientNorm(model);
            optimizer.step();  // NanGuard: NG2001

            var value = loss.item<float>();
            if (step < 10 || step % 10 == 0 || float.IsNaN(value))
                Console.WriteLine($"{step,4}  {value,10:G5}  {logits.abs().max().item<float>(),15:G5}  {gradientNorm,13:G4}");
            if (float.IsNaN(value))
            {
                var nanWeights = model.parameters().Sum(p => p.isnan().sum().item<long>());
                var weights = model.parameters().Sum(p => p.numel());
                Console.WriteLine($"The loss is NaN at step {step}; after that step {nanWeights} of {weights} weights are NaN. Stopping.");
                return;
            }
        }

        Console.WriteLine($"Finished {Steps} steps with a finite loss; test accuracy {100 * Accuracy(model, testImages, testLabels):F1}%.");
    }

    /// <summary>The global 2-norm of the gradients, as clip_grad_norm_ measures it, without clipping.</summary>
    static double GradientNorm(SmallCnn model)
    {
        double squares = 0;
        foreach (var p in model.parameters())
        {
            var norm = p.grad.norm().item<float>();
            squares += (double)norm * norm;
        }

        return Math.Sqrt(squares);
    }

    static double Accuracy(SmallCnn model, Tensor images, Tensor labels)
    {
        using var _ = torch.no_grad();
        return model.call(images).argmax(1).eq(labels).sum().item<long>() / (double)labels.shape[0];
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
