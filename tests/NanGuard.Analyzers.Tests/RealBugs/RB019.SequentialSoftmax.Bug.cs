// Source: GRIST (FSE'21) subject 52, karch (5_mnist_full_connection): https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_52
// Bug: the model is a Sequential whose last layer is Softmax(1) and the loss is reduce_mean(-reduce_sum(y_ * log(y))).
// Fix: drop the Softmax layer and use the library's cross entropy on the logits.
// Hazard: 0 * log(0)
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB019;

public static class FullConnection
{
    public static Sequential Model() => nn.Sequential(nn.Linear(784, 10), nn.Softmax(1));

    public static Tensor Loss(Sequential model, Tensor x, Tensor yLabel)
    {
        var y = model.call(x);
        return torch.mean(-torch.sum(yLabel * torch.log(y))); // expect: NG1002, NG1009, NG1001
    }
}
