using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.TrainingLoop;

/// <summary>
/// NG2003: Adam at 0.05, never clipped. The unclipped step is NG2001 too, a warning because the learning rate is high.
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
