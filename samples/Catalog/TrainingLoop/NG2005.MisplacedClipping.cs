using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.TrainingLoop;

/// <summary>NG2005: the clipping comes after the step, when the update has already been applied.</summary>
static class MisplacedClipping
{
    public static void Run(Tensor x, Tensor y)
    {
        var late = new Regressor();
        var adamW = torch.optim.AdamW(late.parameters(), lr: 1e-3);
        for (var epoch = 0; epoch < 10; epoch++)
        {
            adamW.zero_grad();
            F.mse_loss(late.call(x), y).backward();
            adamW.step();
            torch.nn.utils.clip_grad_norm_(late.parameters(), 1.0);  // NanGuard: NG2005
        }
    }
}
