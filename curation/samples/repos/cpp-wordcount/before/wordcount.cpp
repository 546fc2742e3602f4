#include <iostream>
#include <map>
#include <string>
#include <vector>

int count_of(std::vector<std::string> words, std::string word) {
    int count = 0;
    for (auto w : words) {
        if (w == word) count++;
    }
    return count;
}

int main() {
    std::vector<std::string> words;
    std::string word;
    while (std::cin >> word) words.push_back(word);
    std::map<std::string, int> counts;
    for (auto w : words) counts[w] = count_of(words, w);
    for (auto entry : counts) std::cout << entry.first << " " << entry.second << "\n";
}
