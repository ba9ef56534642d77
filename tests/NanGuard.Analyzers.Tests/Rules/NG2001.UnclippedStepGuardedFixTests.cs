using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using NanGuard.Testing;
using NanGuard.CodeFixes.Rules;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.UnclippedStepAnalyzer,
    NanGuard.CodeFixes.Rules.UnclippedStepCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

/// <summary>NG2001's second fix: NanGuard.Runtime's guarded step, offered only where the project references the runtime.</summary>
public sealed class UnclippedStepGuardedFixTests
{
    private const string Loop = """
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        class Trainer
        {
            void Train(Linear model, Tensor x, Tensor y)
            {
                var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
                for (var i = 0; i < 10; i++)
                {
                    optimizer.zero_grad();
                    var loss = nn.functional.mse_loss(model.call(x), y);
                    loss.backward();
                    [|optimizer.step()|];
                }
            }
        }
        """;

    [Fact]
    public async Task Guarded_step_replaces_the_step_says_when_it_skips_and_adds_the_usings()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = UnclippedStepCodeFix.GuardedStepEquivalenceKey;
        test.TestCode = Loop;
        test.FixedCode = """
            using System;
            using NanGuard.Runtime;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            class Trainer
            {
                void Train(Linear model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = nn.functional.mse_loss(model.call(x), y);
                        loss.backward();
                        if (GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0) is { Stepped: false } skipped)
                            Console.Error.WriteLine($"NanGuard: optimizer step {skipped}");
                    }
                }
            }
            """;
        await test.RunAsync();
    }

    [Fact]
    public async Task Clip_fix_is_still_the_one_chosen_by_its_key_when_the_runtime_is_referenced()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = UnclippedStepCodeFix.EquivalenceKey;
        test.TestCode = Loop;
        test.FixedCode = Loop.Replace("[|optimizer.step()|];", "torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);\n            optimizer.step();");
        await test.RunAsync();
    }

    [Fact]
    public async Task Without_the_runtime_only_the_clip_fix_is_offered()
    {
        var test = Verify.Test();
        test.CodeActionEquivalenceKey = UnclippedStepCodeFix.GuardedStepEquivalenceKey;
        test.TestCode = Loop;
        test.FixedCode = Loop.Replace("[|optimizer.step()|]", "{|NG2001:optimizer.step()|}");
        // The NG2001 the fix could fix with another action stays, and the fixed code's markup says so.
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        await test.RunAsync();
    }

    [Fact]
    public async Task Each_guarded_step_of_a_method_gets_a_name_of_its_own()
    {
        // A local already named skipped, and two loops: the names move past it and differ, one fix at a time and in
        // fix-all (the framework runs both and compiles what they write).
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = UnclippedStepCodeFix.GuardedStepEquivalenceKey;
        test.TestCode = """
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            class Trainer
            {
                void Train(Linear model, Tensor x, Tensor y)
                {
                    var skipped = 0;
                    var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
                    for (var i = skipped; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        nn.functional.mse_loss(model.call(x), y).backward();
                        [|optimizer.step()|];
                    }
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        nn.functional.mse_loss(model.call(y), x).backward();
                        [|optimizer.step()|];
                    }
                }
            }
            """;
        test.FixedCode = """
            using System;
            using NanGuard.Runtime;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            class Trainer
            {
                void Train(Linear model, Tensor x, Tensor y)
                {
                    var skipped = 0;
                    var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
                    for (var i = skipped; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        nn.functional.mse_loss(model.call(x), y).backward();
                        if (GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0) is { Stepped: false } skipped1)
                            Console.Error.WriteLine($"NanGuard: optimizer step {skipped1}");
                    }
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        nn.functional.mse_loss(model.call(y), x).backward();
                        if (GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0) is { Stepped: false } skipped2)
                            Console.Error.WriteLine($"NanGuard: optimizer step {skipped2}");
                    }
                }
            }
            """;
        await test.RunAsync();
    }

    [Fact]
    public async Task An_embedded_step_with_an_else_becomes_a_block_so_the_else_stays_its_own()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = UnclippedStepCodeFix.GuardedStepEquivalenceKey;
        test.TestCode = """
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            class Trainer
            {
                void Train(Linear model, Tensor x, Tensor y, bool ready)
                {
                    var optimizer = torch.optim.SGD(model.parameters(), 0.1);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        nn.functional.mse_loss(model.call(x), y).backward();
                        if (ready)
                            [|optimizer.step()|];
                        else
                            optimizer.zero_grad();
                    }
                }
            }
            """;
        test.FixedCode = """
            using System;
            using NanGuard.Runtime;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            class Trainer
            {
                void Train(Linear model, Tensor x, Tensor y, bool ready)
                {
                    var optimizer = torch.optim.SGD(model.parameters(), 0.1);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        nn.functional.mse_loss(model.call(x), y).backward();
                        if (ready)
                        {
                            if (GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0) is { Stepped: false } skipped)
                                Console.Error.WriteLine($"NanGuard: optimizer step {skipped}");
                        }
                        else
                            optimizer.zero_grad();
                    }
                }
            }
            """;
        await test.RunAsync();
    }

    [Fact]
    public async Task Before_CSharp_8_the_skipped_step_is_caught_with_a_var_pattern()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = UnclippedStepCodeFix.GuardedStepEquivalenceKey;
        test.SolutionTransforms.Add((solution, projectId) =>
            solution.WithProjectParseOptions(projectId, ((Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)solution.GetProject(projectId)!.ParseOptions!)
                .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp7_3)));
        test.TestCode = Loop;
        test.FixedCode = """
            using System;
            using NanGuard.Runtime;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            class Trainer
            {
                void Train(Linear model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = nn.functional.mse_loss(model.call(x), y);
                        loss.backward();
                        if (GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0) is var skipped && !skipped.Stepped)
                            Console.Error.WriteLine($"NanGuard: optimizer step {skipped}");
                    }
                }
            }
            """;
        await test.RunAsync();
    }
}
