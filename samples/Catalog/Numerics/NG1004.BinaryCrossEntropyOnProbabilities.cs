using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.Numerics;

/// <summary>
/// NG1004: binary cross entropy on sigmoid probabilities. The training loop is unclipped too, so it also shows
/// NG2001, a warning there because NG1004 flags its loss.
/// </summary>
public static class BinaryCrossEntropyOnProbabilities
{
    public static void Run()
    {
        var model = new BinaryClassifier();
        var optimizer = torch.optim.SGD(model.parameters(), learningRate: 0.01);
        var x = torch.randn(32, 16);
        var y = torch.rand(32, 1);

        for (var step = 0; step < 100; step++)
        {
            optimizer.zero_grad();
            var logits = model.call(x);
            // NG1004: binary cross entropy on sigmoid probabilities.
            var loss = F.binary_cross_entropy(torch.sigmoid(logits), y);  // NanGuard: NG1004
            loss.backward();
            optimizer.step();  // NanGuard: NG2001
        }
    }

    /// <summary>NG1004: the same loss written by hand.</summary>
    public static Tensor HandWrittenBinaryCrossEntropy(Tensor logits, Tensor y) =>
        -(y * torch.log(torch.sigmoid(logits)) + (1 - y) * torch.log(1 - torch.sigmoid(logits))).mean();  // NanGuard: NG1004
}
