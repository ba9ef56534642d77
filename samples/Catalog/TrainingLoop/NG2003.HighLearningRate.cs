using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.TrainingLoop;

/// <summary>
/// NG2003: Adam at 0.05, never clipped. The unclipped step is NG2001 too, as a suggestion: Adam's step is about the
/// learning rate whatever the gradient, so clipping would not make this rate safe; lowering it is NG2003's fix.
/// </summary>
static class HighLearningRate
{
    public static void Run(Tensor x, Tensor y)
    {
        var model = new Regressor();
        var optimizer = torch.optim.Adam(model.parameters(), lr: 0.05);  // NanGuard: NG2003
        for (var epoch = 0; epoch < 10; epoch++)
        {
            optimizer.zero_grad();
            F.mse_loss(model.call(x), y).backward();
            optimizer.step();  // NanGuard: NG2001
        }
    }
}
