using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.TrainingLoop;

/// <summary>NG2002: the norm clip_grad_norm_ returns is thrown away, so a NaN norm is applied anyway.</summary>
static class IgnoredClipNorm
{
    public static void Run(Tensor x, Tensor y)
    {
        var clipped = new Regressor();
        var sgd = torch.optim.SGD(clipped.parameters(), learningRate: 0.001);
        for (var epoch = 0; epoch < 10; epoch++)
        {
            sgd.zero_grad();
            F.mse_loss(clipped.call(x), y).backward();
            torch.nn.utils.clip_grad_norm_(clipped.parameters(), 1.0);  // NanGuard: NG2002
            sgd.step();
        }
    }
}
