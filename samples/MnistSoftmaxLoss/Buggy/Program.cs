// A digit classifier whose loss is written by hand from probabilities: -(y * log(softmax(logits))).sum(). It learns
// (99.6% test accuracy by epoch 15) while the gap between a sample's largest and smallest logit keeps growing: 37 in
// epoch 1, 103.7 in epoch 15. Past about 104, float32's softmax underflows to exactly 0 for the lowest class,
// log(0) = -inf and 0 * -inf = NaN: the loss is NaN at step 1423 (epoch 16), and Adam's step writes NaN into 84,500
// of the 101,770 weights. (Seed 1, libtorch 2.10 on the CPU; the samples' test checks the log, not these figures.)
// Run it: dotnet run --project samples/MnistSoftmaxLoss/Buggy
using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

sealed class Classifier : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden = nn.Linear(784, 128);
    private readonly Linear output = nn.Linear(128, 10);

    public Classifier() : base(nameof(Classifier)) => RegisterComponents();

    public override Tensor forward(Tensor images) => output.call(F.relu(hidden.call(images.flatten(1))));
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
        Console.WriteLine("epoch  train loss  train acc  test loss  test acc  max logit gap");

        var step = 0;
        var firstNaNStep = 0;
        for (var epoch = 1; epoch <= Epochs; epoch++)
        {
            var order = torch.randperm(trainImages.shape[0]);
            double lossSum = 0, maxGap = 0;
            long correct = 0;
            for (long start = 0; start < trainImages.shape[0]; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var batch = order[TensorIndex.Slice(start, start + BatchSize)];
                var images = trainImages.index_select(0, batch);
                var labels = trainLabels.index_select(0, batch);
                var targets = F.one_hot(labels, 10);

                optimizer.zero_grad();
                var logits = model.call(images);
                var probabilities = F.softmax(logits, 1);
                var loss = -(targets * torch.log(probabilities)).sum();  // NanGuard: NG1002
                loss.backward();
                optimizer.step();  // NanGuard: NG2001

                step++;
                var value = loss.item<float>();
                if (float.IsNaN(value) && firstNaNStep == 0)
                    firstNaNStep = step;
                lossSum += value;
                correct += logits.argmax(1).eq(labels).sum().item<long>();
                maxGap = Math.Max(maxGap, (logits.amax(1) - logits.amin(1)).max().item<float>());
            }

            var (testLoss, testAccuracy) = Evaluate(model, testImages, testLabels);
            Console.WriteLine($"{epoch,5}  {lossSum / trainImages.shape[0],10:G4}  {100.0 * correct / trainImages.shape[0],8:F1}%  {testLoss,9:G4}  {100 * testAccuracy,7:F1}%  {maxGap,13:F1}");
            if (firstNaNStep != 0)
            {
                var nanWeights = model.parameters().Sum(p => p.isnan().sum().item<long>());
                var weights = model.parameters().Sum(p => p.numel());
                Console.WriteLine($"The loss turned NaN at step {firstNaNStep} (epoch {epoch}); {nanWeights} of {weights} weights are NaN now. Stopping.");
                return;
            }
        }

        Console.WriteLine($"Finished {Epochs} epochs with a finite loss.");
    }

    static (double Loss, double Accuracy) Evaluate(Classifier model, Tensor images, Tensor labels)
    {
        using var _ = torch.no_grad();
        var logits = model.call(images);
        var accuracy = logits.argmax(1).eq(labels).sum().item<long>() / (double)labels.shape[0];
        return (ValidationLoss(model, images, labels), accuracy);
    }

    static double ValidationLoss(Classifier model, Tensor images, Tensor labels)
    {
        using var _ = torch.no_grad();
        var logits = model.call(images);
        return F.nll_loss(torch.log(F.softmax(logits, 1)), labels).item<float>();  // NanGuard: NG1001
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
